namespace MortalHil.Sim.Presets;

/// <summary>Energy and time per operation of the preset families (kept apart so presets can share them).</summary>
public static class CostPresets
{
    /// <summary>
    /// Energy and time per operation, each number's source in <see cref="CostSpec.Source"/>. Shared by the reram
    /// preset family so the chain and the per-layer-ADC board are costed alike.
    /// </summary>
    public static CostSpec ReRam { get; } = new()
    {
        DacConversionPicojoules = 0.1,
        AdcConversionPicojoules = 1.3,
        ChainAdcConversionPicojoules = 1.3,
        TapConversionPicojoules = 0.3,
        InjectionConversionPicojoules = 0.2,
        CellReadPicojoules = 0.054,
        NeuronPicojoules = 0.1,
        PulsePicojoules = 5.6,
        WindowReadSeconds = 1e-6,
        ChainStageSeconds = 130e-9,
        Source = "ADC conversions: Murmann's ADC survey, best designs about 0.8 pJ at 8 bits and 2.2 pJ at 10 bits, so about 1.3 pJ at 9 bits " +
                 "(geometric mean) for the column and output ADCs, 0.3 pJ at 6 bits for the taps; post-2015 medians are 3-11 pJ, so these are optimistic. " +
                 "Row DAC 0.1 pJ and injection DAC 0.2 pJ per conversion: assumed (below an ADC of the same resolution). " +
                 "Cell read: V^2 G t with 0.2 V, 13.5 uS (mid window) and a 100 ns integration = 0.054 pJ, computed from the preset, time assumed. " +
                 "Neuron: 0.1 pJ per evaluation, assumed. Programming pulse: 1.5 V^2 x 25 uS x 100 ns = 5.6 pJ into the cell, computed from the " +
                 "preset's nominal pulse at g_max, driver losses not counted (assumed). Window read 1 us with conversion and chain stage 130 ns " +
                 "settling: IBM HERMES, 256x256 MVM in about 130 ns plus ADC time (Le Gallo et al., Nat. Electron. 2023).",
    };

}

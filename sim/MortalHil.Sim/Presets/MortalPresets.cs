namespace MortalHil.Sim.Presets;

/// <summary>
/// Mortal boards: the <c>reram</c> cells behind chained analog neurons, so a read runs input DACs -> tile 0 ->
/// 256 neurons -> tile 1 -> output ADC without converting in between. Tile 1's rows, driven by the neurons,
/// feed two ADC stages: 40 columns pairs of local readouts (4 groups of 10, for local losses) and the 10
/// network outputs (the last stage).
/// </summary>
public static class MortalPresets
{
    /// <summary>Neuron spreads of <see cref="ReRamMortal"/>; <see cref="WithNeuronMismatch"/> scales them.</summary>
    public static ChainNeuronSpec PresetNeurons { get; } = new()
    {
        // Datasheet: a 20 uA input full scale puts a trained 784-input layer's typical currents inside the range
        // (0.2 V rows, up to 23 uS pairs); the 0.2 V output swing is the reram preset's safe read voltage.
        InputFullScaleMicroamps = 20, OutputFullScaleVolts = 0.2, BiasVolts = 0.2,
        // Hidden spread: assumed. Of the order of transistor mismatch in small analog cells (Pelgrom et al.,
        // IEEE JSSC 1989) as seen in silicon neurons (Indiveri et al., Front. Neurosci. 2011: gains differing by
        // tens of per cent between nominally equal neurons).
        GainStd = 0.1, OffsetStd = 0.02, ThresholdMean = 0, ThresholdStd = 0.02,
        SaturationMean = 0.9, SaturationStd = 0.05, CurvatureMean = 0.05, CurvatureStd = 0.03,
        // Assumed: 0.5 % of full scale input-referred noise, each neuron's own within a factor e^0.5.
        NoiseRel = 0.005, NoiseLogSpread = 0.5,
        // Assumed: one line in 200 open, one in 200 crossed with its neighbour.
        BrokenFraction = 0.005, CrossedFraction = 0.005,
    };

    /// <summary>The mortal ReRAM board (see the class summary); <c>sim:reram-mortal:SERIAL</c>.</summary>
    public static DevicePreset ReRamMortal { get; } = BuiltInPresets.ReRam with
    {
        Name = "reram-mortal",
        Source = "Cells, converters and ageing: the built-in reram preset (see its source). Chain: 784(+bias)->256 neurons on tile 0, " +
                 "256(+bias)->40 local readouts and ->10 outputs on tile 1. Neurons: soft-knee, soft-ceiling rectifiers with per-neuron " +
                 "gain 10 %, offset 2 % FS, threshold 2 %, ceiling 0.9 +- 5 %, knee 0.05 +- 0.03, noise 0.5 % FS: assumed (mismatch of the order " +
                 "of Pelgrom et al., JSSC 1989 / Indiveri et al., Front. Neurosci. 2011); 0.5 % open and 0.5 % crossed lines: assumed. " +
                 "Output ADC 9 bit, 55 uA: as reram's column ADC. Injection DACs 8 bit, +-4 uA, 0.5 % noise: assumed. Taps 6 bit, 0.2 V: assumed. " +
                 "Costs: see costs.source.",
        Chain = new ChainSpec
        {
            Stages =
            [
                new ChainStageSpec { Tile = 0, Row0 = 0, Column0 = 0, Source = -1, Inputs = 784, BiasRow = true, Outputs = 256, Sink = "neurons" },
                new ChainStageSpec { Tile = 1, Row0 = 0, Column0 = 20, Source = 0, Inputs = 256, BiasRow = true, Outputs = 40, Sink = "adc" },
                new ChainStageSpec { Tile = 1, Row0 = 0, Column0 = 0, Source = 0, Inputs = 256, BiasRow = true, Outputs = 10, Sink = "adc" },
            ],
            Neuron = PresetNeurons,
            OutputAdc = new ChainAdcSpec { Bits = 9, FullScaleMicroamps = 55, NoiseRel = 0.005 },
            Injection = new ChainInjectionPresetSpec { Bits = 8, FullScaleMicroamps = 4, NoiseRel = 0.005 },
            Taps = new ChainTapPresetSpec { Bits = 6, FullScaleVolts = 0.2 },
            LatchedUpdates = true,
        },
    };

    /// <summary>
    /// The preset with every neuron spread and wiring-fault rate multiplied by <paramref name="factor"/> (0: identical,
    /// ideal-wired neurons; 1: the preset; more: worse). The name stays, so a serial keeps its cells and its neurons'
    /// draws, scaled: boards at different factors differ only in how far their neurons stray.
    /// </summary>
    public static DevicePreset WithNeuronMismatch(DevicePreset preset, double factor)
    {
        var chain = preset.Chain ?? throw new ArgumentException($"preset {preset.Name} has no analog chain");
        var n = chain.Neuron;
        return preset with
        {
            Chain = chain with
            {
                Neuron = n with
                {
                    GainStd = Math.Min(1, n.GainStd * factor), OffsetStd = Math.Min(1, n.OffsetStd * factor), ThresholdStd = Math.Min(1, n.ThresholdStd * factor),
                    SaturationStd = Math.Min(1, n.SaturationStd * factor), CurvatureStd = Math.Min(1, n.CurvatureStd * factor),
                    NoiseLogSpread = Math.Min(3, n.NoiseLogSpread * factor),
                    BrokenFraction = Math.Min(0.5, n.BrokenFraction * factor), CrossedFraction = Math.Min(0.5, n.CrossedFraction * factor),
                },
            },
        };
    }

    /// <summary>
    /// <paramref name="preset"/>'s physics on a chain of another size: <paramref name="inputs"/>(+bias) -> <paramref name="hidden"/>
    /// neurons on tile 0, then <paramref name="groups"/> local readout groups and <paramref name="classes"/> outputs on tile 1
    /// (tiles just large enough). For reduced experiments and tests.
    /// </summary>
    public static DevicePreset Sized(DevicePreset preset, int inputs, int hidden, int classes, int groups)
    {
        var chain = preset.Chain ?? throw new ArgumentException($"preset {preset.Name} has no analog chain");
        int rows = Math.Max(inputs, hidden) + 1, columns = Math.Max(2 * hidden, 2 * classes * (groups + 1));
        var stages = new List<ChainStageSpec>
        {
            new() { Tile = 0, Row0 = 0, Column0 = 0, Source = -1, Inputs = inputs, BiasRow = true, Outputs = hidden, Sink = "neurons" },
        };
        if (groups > 0)
            stages.Add(new() { Tile = 1, Row0 = 0, Column0 = 2 * classes, Source = 0, Inputs = hidden, BiasRow = true, Outputs = groups * classes, Sink = "adc" });
        stages.Add(new() { Tile = 1, Row0 = 0, Column0 = 0, Source = 0, Inputs = hidden, BiasRow = true, Outputs = classes, Sink = "adc" });
        return preset with
        {
            Geometry = new GeometrySpec { Tiles = 2, Rows = rows, Columns = columns },
            Chain = chain with { Stages = stages },
        };
    }
}

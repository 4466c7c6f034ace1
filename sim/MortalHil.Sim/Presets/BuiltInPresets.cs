namespace MortalHil.Sim.Presets;

/// <summary>
/// The presets that ship with the simulator: <c>ideal</c>, <c>reram</c>, <c>pcm</c>, <c>ecram</c>, and the
/// chained <c>reram-mortal</c> (<see cref="MortalPresets"/>).
/// </summary>
/// <remarks>
/// Default geometry for all: 2 tiles of 1024 rows x 512 columns. A 784-256-10 network mapped as
/// differential column pairs needs 784 (+1 bias) rows x 512 columns for its first layer (tile 0)
/// and 256 (+1) rows x 20 columns for its second (tile 1). 1024 rows keeps first-order IR drop
/// moderate at the segment resistances below; 512 columns is one ADC bank.
/// Converters follow aihwkit's IOParameters defaults (IBM/aihwkit simulator/parameters/io.py):
/// inp_res 1/(2^7-2) -> 7-bit DAC, out_res 1/(2^9-2) -> 9-bit ADC, out_noise 0.06 at
/// out_bound 12 -> 0.5 % of full scale.
/// </remarks>
public static class BuiltInPresets
{
    /// <summary>Names of the built-in presets.</summary>
    public static IReadOnlyList<string> Names { get; } = ["ideal", "reram", "pcm", "ecram", "reram-mortal"];

    /// <summary>The built-in preset called <paramref name="name"/>, or null.</summary>
    public static DevicePreset? Find(string name) => name switch
    {
        "ideal" => Ideal,
        "reram" => ReRam,
        "pcm" => Pcm,
        "ecram" => EcRam,
        "reram-mortal" => MortalPresets.ReRamMortal,
        _ => null,
    };

    /// <summary>Every non-ideality off: a read is the exact product of conductances and voltages.</summary>
    public static DevicePreset Ideal { get; } = new()
    {
        Name = "ideal",
        Source = "no non-idealities: constant step, no spread, no noise, no converter quantisation or saturation, no IR drop, no faults, no drift",
        Geometry = new GeometrySpec { Tiles = 2, Rows = 1024, Columns = 512 },
        Conductance = new ConductanceSpec { GMinMicrosiemens = 2, GMaxMicrosiemens = 25, WMinDtod = 0, WMaxDtod = 0 },
        Pulse = new PulseSpec
        {
            NominalVolts = 1.5, NominalWidthSeconds = 100e-9, ThresholdVolts = 0.8, WidthExponent = 0.5,
            MaxVolts = 3.0, MinWidthSeconds = 10e-9, MaxWidthSeconds = 10e-6, MaxPerCellPerRequest = 64,
            OuterProduct = true,
            DwMin = 0.001, DwMinDtod = 0, UpDown = 0, UpDownDtod = 0, DwMinStd = 0, WriteNoiseStd = 0,
            PcmProgrammingNoise = false, GammaUp = 0, GammaDown = 0, Levels = 0,
        },
        Read = new ReadSpec { MaxVolts = 0.2, MaxBatch = 1024, NoiseRel = 0 },
        Dac = new DacPresetSpec { Bits = 16, FullScaleVolts = 0.2, Quantize = false },
        Adc = new AdcPresetSpec { Bits = 16, FullScaleMicroamps = 500, Quantize = false, Saturate = false, NoiseRel = 0 },
        Amplifier = new AmplifierSpec { GainStd = 0, OffsetStd = 0 },
        IrDrop = new IrDropSpec { Enabled = false, SegmentOhms = 0 },
        Stuck = new StuckSpec { Fraction = 0, AtGMaxFraction = 0.5 },
        Endurance = new EnduranceSpec { Enabled = false, MedianPulses = 1e9, LogSpread = 0, StuckFraction = 0, WindowKept = 1 },
        Drift = new DriftSpec { Enabled = false, T0Seconds = 20, NuMean = 0, NuStd = 0, NuStateDependent = false },
        FlickerNoise = new FlickerNoiseSpec { Enabled = false, QCoefficient = 0, QExponent = 0, QMax = 0, TReadSeconds = 250e-9 },
        Neurons = new NeuronSpec { Activations = ["relu", "tanh"], GainStd = 0, OffsetStd = 0 },
        Ageing = new AgeingSpec
        {
            Enabled = false, NuGrowthPerYear = 0, StuckPerCellPerYear = 0, StuckPerPulse = 0, ReadNoiseGrowthPerYear = 0,
            LifetimeYears = 0, LifetimeShape = 1, DeadStuckFraction = 1,
        },
    };

    /// <summary>
    /// Filamentary ReRAM. Pulse response from aihwkit's ReRamESPresetDevice, a fit to Gong et al.,
    /// Nat. Commun. 9, 2102 (2018), in the soft-bounds form of ReRamSBPresetDevice.
    /// </summary>
    public static DevicePreset ReRam { get; } = Ideal with
    {
        Name = "reram",
        Source = "IBM aihwkit presets/devices.py ReRamESPresetDevice (fit to Gong et al., Nat. Commun. 2018): dw_min 0.00135 on [-1,1], " +
                 "up_down 0.259, dw_min_dtod 0.2, up_down_dtod 0.05, w_min/w_max_dtod 0.3, dw_min_std 5, write_noise_std 75; soft bounds as ReRamSBPresetDevice. " +
                 "Converters: aihwkit IOParameters defaults (7-bit DAC, 9-bit ADC, out_noise 0.5% FS). Read noise ~1% (aihwkit ReRAM noise models). " +
                 "On/off 12.5 (ReRAM 10-17, DNN+NeuroSim). Faulty cells: Gong & Rasch et al., IEDM 2022 measured 10-13.5% corrupt on raw arrays; " +
                 "this board is assumed screened to 3%. Endurance, amplifier/neuron mismatch and line resistance: assumed, not fit.",
        Conductance = new ConductanceSpec { GMinMicrosiemens = 2, GMaxMicrosiemens = 25, WMinDtod = 0.3, WMaxDtod = 0.3 },
        Pulse = Ideal.Pulse with
        {
            DwMin = 0.00135, DwMinDtod = 0.2, UpDown = 0.259359, UpDownDtod = 0.05, DwMinStd = 5.0, WriteNoiseStd = 75.0,
            GammaUp = 1, GammaDown = 1,
            Levels = 1481, // 2 / 0.00135 distinguishable states across the window
        },
        Read = Ideal.Read with { NoiseRel = 0.01 },
        Dac = new DacPresetSpec { Bits = 7, FullScaleVolts = 0.2, Quantize = true },
        // aihwkit IOParameters: out_bound 12 and out_noise 0.06, in units of one fully-on differential weight
        // (G+ - G- = g_max - g_min = 23 uS) driven at full input (0.2 V), i.e. 4.6 uA: full scale 12 x 4.6 = 55 uA,
        // noise 0.5 % of it. Differential rows (+V/-V) cancel a pair's common mode on the column wire and fit this
        // range; single-ended column pairs carry the common mode too and must be read at a lower voltage.
        Adc = new AdcPresetSpec { Bits = 9, FullScaleMicroamps = 55, Quantize = true, Saturate = true, NoiseRel = 0.005 },
        Amplifier = new AmplifierSpec { GainStd = 0.02, OffsetStd = 0.002 },
        // 0.01 ohm per cell pitch: worst-case first-order drop at the far corner of a fully-on tile ~9%.
        IrDrop = new IrDropSpec { Enabled = true, SegmentOhms = 0.01 },
        Stuck = new StuckSpec { Fraction = 0.03, AtGMaxFraction = 0.5 },
        Endurance = new EnduranceSpec { Enabled = true, MedianPulses = 1e6, LogSpread = 0.5, StuckFraction = 0.5, WindowKept = 0.3 },
        Neurons = new NeuronSpec { Activations = ["relu", "tanh"], GainStd = 0.05, OffsetStd = 0.005 },
        Costs = CostPresets.ReRam,
        Ageing = new AgeingSpec
        {
            Enabled = true, NuGrowthPerYear = 0, StuckPerCellPerYear = 0.01, StuckPerPulse = 1e-9, ReadNoiseGrowthPerYear = 0.2,
            LifetimeYears = 10, LifetimeShape = 2, DeadStuckFraction = 0.3,
        },
    };

    /// <summary>
    /// Phase-change memory (GST). Pulse response from aihwkit's PCMPresetDevice (Nandakumar et al., Front.
    /// Neurosci. 2020); programming noise, drift and 1/f read noise from aihwkit's PCMLikeNoiseModel
    /// (Nandakumar et al. / Joshi et al., Nat. Commun. 2020), g_max 25 uS.
    /// </summary>
    public static DevicePreset Pcm { get; } = ReRam with
    {
        Name = "pcm",
        Costs = null, // reram's costs (pulse energy above all) do not carry over
        Source = "IBM aihwkit presets/devices.py PCMPresetDevice (Nandakumar et al., Front. Neurosci. 2020): dw_min 0.01, dw_min_dtod 0.2, " +
                 "up_down_dtod 0.05, w_max_dtod 0.1, dw_min_std 0.6 (aihwkit's device is one-sided; here partial RESET is assumed gradual and symmetric). " +
                 "aihwkit inference/noise/pcm.py PCMLikeNoiseModel, g_max 25 uS: programming noise 0.26348 + 1.9650 g - 1.1731 g^2 uS, " +
                 "drift G0 (t/t0)^-nu with t0 20 s, nu = clamp(-0.0155 ln g + 0.0244, 0.049, 0.1), nu std = clamp(-0.0125 ln g - 0.0059, 0.008, 0.045), " +
                 "1/f read noise Q = min(0.0088 / g^0.65, 0.2) growing with sqrt(ln((t + t_read) / (2 t_read))), t_read 250 ns. On/off 12.5 (DNN+NeuroSim).",
        Conductance = new ConductanceSpec { GMinMicrosiemens = 2, GMaxMicrosiemens = 25, WMinDtod = 0.0, WMaxDtod = 0.1 },
        Pulse = ReRam.Pulse with
        {
            NominalVolts = 1.2, ThresholdVolts = 0.6, MaxVolts = 2.5,
            DwMin = 0.01, DwMinDtod = 0.2, UpDown = 0, UpDownDtod = 0.05, DwMinStd = 0.6, WriteNoiseStd = 0,
            PcmProgrammingNoise = true, GammaUp = 1, GammaDown = 1, Levels = 0,
        },
        Read = ReRam.Read with { NoiseRel = 0.005 },
        Stuck = new StuckSpec { Fraction = 0.02, AtGMaxFraction = 0.5 },
        Endurance = ReRam.Endurance with { MedianPulses = 1e7 },
        Drift = new DriftSpec { Enabled = true, T0Seconds = 20, NuMean = 0.06, NuStd = 0.02, NuStateDependent = true },
        FlickerNoise = new FlickerNoiseSpec { Enabled = true, QCoefficient = 0.0088, QExponent = 0.65, QMax = 0.2, TReadSeconds = 250e-9 },
        Ageing = ReRam.Ageing with { NuGrowthPerYear = 0.1 },
    };

    /// <summary>
    /// Lithium ECRAM: near-symmetric, many small steps, low noise. Pulse response from aihwkit's
    /// EcRamPresetDevice (fit to Tang et al., IEDM 2018).
    /// </summary>
    public static DevicePreset EcRam { get; } = ReRam with
    {
        Name = "ecram",
        Costs = null, // reram's costs do not carry over
        Source = "IBM aihwkit presets/devices.py EcRamPresetDevice (fit to Tang et al., IEDM 2018): dw_min 0.002, up_down 0 (symmetry point shifted), " +
                 "gamma_up 0.1153, gamma_down 0.5085, dw_min_dtod 0.1, up_down_dtod 0.01, w_min/w_max_dtod 0.05, dw_min_std 0.3, no write noise " +
                 "(range shifted here to [-1, 1]). On/off ~40 (DNN+NeuroSim). Read noise, endurance and fault rate: assumed, not fit.",
        Conductance = new ConductanceSpec { GMinMicrosiemens = 0.5, GMaxMicrosiemens = 20, WMinDtod = 0.05, WMaxDtod = 0.05 },
        Pulse = ReRam.Pulse with
        {
            NominalVolts = 1.0, ThresholdVolts = 0.3, MaxVolts = 2.0, NominalWidthSeconds = 1e-6, MaxWidthSeconds = 100e-6,
            DwMin = 0.002, DwMinDtod = 0.1, UpDown = 0, UpDownDtod = 0.01, DwMinStd = 0.3, WriteNoiseStd = 0,
            GammaUp = 0.1153, GammaDown = 0.5085, Levels = 0,
        },
        Read = ReRam.Read with { NoiseRel = 0.003 },
        Stuck = new StuckSpec { Fraction = 0.005, AtGMaxFraction = 0.5 },
        Endurance = ReRam.Endurance with { MedianPulses = 1e8 },
        Ageing = ReRam.Ageing with { StuckPerCellPerYear = 0.005, LifetimeYears = 15 },
    };
}

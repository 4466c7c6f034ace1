namespace MortalHil.Sim.Presets;

/// <summary>
/// An analog chain: crossbar windows wired through on-board neurons (see Core's AnalogChainDescription). The
/// stages and converters are datasheet facts the board describes; the neurons' transfer functions, their
/// spread, their noise and the wiring faults are hidden physics drawn per board and per neuron.
/// </summary>
public sealed record ChainSpec
{
    public required IReadOnlyList<ChainStageSpec> Stages { get; init; }
    public required ChainNeuronSpec Neuron { get; init; }
    public required ChainAdcSpec OutputAdc { get; init; }
    /// <summary>Perturbation injection at the neurons' inputs, or null.</summary>
    public ChainInjectionPresetSpec? Injection { get; init; }
    /// <summary>Monitor taps on the neurons' outputs, or null.</summary>
    public ChainTapPresetSpec? Taps { get; init; }
    public required bool LatchedUpdates { get; init; }
}

/// <summary>One stage: its window (rows = inputs + bias row, columns = 2 x outputs), its row source (-1: DACs) and its sink ("neurons" or "adc").</summary>
public sealed record ChainStageSpec
{
    public required int Tile { get; init; }
    public required int Row0 { get; init; }
    public required int Column0 { get; init; }
    public required int Source { get; init; }
    public required int Inputs { get; init; }
    public required bool BiasRow { get; init; }
    public required int Outputs { get; init; }
    public required string Sink { get; init; }
}

/// <summary>
/// The neurons. Each neuron j computes, from its input current I (pair difference plus injection plus noise),
/// u = gain_j (I + offset_j) / I_fs - threshold_j, r = curvature_j ln(1 + e^(u / curvature_j)) (max(0, u) when
/// curvature_j = 0), y = saturation_j tanh(r / saturation_j), and drives V_fs y onto its row: a rectifier with a
/// soft knee and a soft ceiling, all five numbers its own.
/// </summary>
public sealed record ChainNeuronSpec
{
    /// <summary>Nominal input current at which the output reaches full scale (datasheet).</summary>
    public required double InputFullScaleMicroamps { get; init; }
    /// <summary>Output swing driving the next rows (datasheet).</summary>
    public required double OutputFullScaleVolts { get; init; }
    /// <summary>Voltage of the bias rows (datasheet).</summary>
    public required double BiasVolts { get; init; }
    /// <summary>Relative std of the gain (mean 1).</summary>
    public required double GainStd { get; init; }
    /// <summary>Std of the input offset as a fraction of the input full scale.</summary>
    public required double OffsetStd { get; init; }
    public required double ThresholdMean { get; init; }
    public required double ThresholdStd { get; init; }
    /// <summary>Mean ceiling of y (1 = full scale); clamped to (0.05, 1].</summary>
    public required double SaturationMean { get; init; }
    public required double SaturationStd { get; init; }
    /// <summary>Mean softness of the knee, in units of u; negative draws clamp to 0 (a hard knee).</summary>
    public required double CurvatureMean { get; init; }
    public required double CurvatureStd { get; init; }
    /// <summary>Input-referred noise std per read as a fraction of the input full scale (median over neurons).</summary>
    public required double NoiseRel { get; init; }
    /// <summary>Sigma of ln(noise) across neurons: each neuron has its own noise.</summary>
    public required double NoiseLogSpread { get; init; }
    /// <summary>Fraction of neuron output lines that are open: their row sees 0 V.</summary>
    public required double BrokenFraction { get; init; }
    /// <summary>Fraction of neurons whose output line is crossed with its neighbour's (each drives the other's row).</summary>
    public required double CrossedFraction { get; init; }
}

/// <summary>Output ADC of the chain (on each pair's difference).</summary>
public sealed record ChainAdcSpec
{
    public required int Bits { get; init; }
    public required double FullScaleMicroamps { get; init; }
    /// <summary>Noise std as a fraction of full scale.</summary>
    public required double NoiseRel { get; init; }
}

/// <summary>Injection DACs.</summary>
public sealed record ChainInjectionPresetSpec
{
    public required int Bits { get; init; }
    public required double FullScaleMicroamps { get; init; }
    /// <summary>Output noise std as a fraction of full scale.</summary>
    public required double NoiseRel { get; init; }
}

/// <summary>Monitor taps (one low-resolution ADC per neuron output).</summary>
public sealed record ChainTapPresetSpec
{
    public required int Bits { get; init; }
    public required double FullScaleVolts { get; init; }
}

/// <summary>Energy (pJ) and time of each operation; <see cref="Source"/> says where each number comes from.</summary>
public sealed record CostSpec
{
    public required double DacConversionPicojoules { get; init; }
    public required double AdcConversionPicojoules { get; init; }
    public required double ChainAdcConversionPicojoules { get; init; }
    public required double TapConversionPicojoules { get; init; }
    public required double InjectionConversionPicojoules { get; init; }
    public required double CellReadPicojoules { get; init; }
    public required double NeuronPicojoules { get; init; }
    public required double PulsePicojoules { get; init; }
    public required double WindowReadSeconds { get; init; }
    public required double ChainStageSeconds { get; init; }
    public required string Source { get; init; }
}

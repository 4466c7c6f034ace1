namespace MortalHil.Sim.Presets;

/// <summary>
/// Plain-data description of a kind of simulated board: the device physics its cells follow, the
/// spread between cells and boards, its converters and periphery, and its datasheet limits.
/// Kept apart from the simulator that consumes it (as aihwkit keeps device configs apart from
/// tiles). Units are in the field names; the cell state is in aihwkit's weight convention, where
/// the nominal conductance window [g_min, g_max] maps to w in [-1, 1].
/// </summary>
public sealed record DevicePreset
{
    /// <summary>Short name, e.g. "reram". Part of the seed that draws a board's hidden physics.</summary>
    public required string Name { get; init; }
    /// <summary>Where the numbers come from.</summary>
    public required string Source { get; init; }
    public required GeometrySpec Geometry { get; init; }
    public required ConductanceSpec Conductance { get; init; }
    public required PulseSpec Pulse { get; init; }
    public required ReadSpec Read { get; init; }
    public required DacPresetSpec Dac { get; init; }
    public required AdcPresetSpec Adc { get; init; }
    public required AmplifierSpec Amplifier { get; init; }
    public required IrDropSpec IrDrop { get; init; }
    public required StuckSpec Stuck { get; init; }
    public required EnduranceSpec Endurance { get; init; }
    public required DriftSpec Drift { get; init; }
    public required FlickerNoiseSpec FlickerNoise { get; init; }
    public required NeuronSpec Neurons { get; init; }
    public required AgeingSpec Ageing { get; init; }
    /// <summary>Analog chain of chained neurons, or null (most boards read every layer through their ADCs).</summary>
    public ChainSpec? Chain { get; init; }
    /// <summary>Energy and time of each kind of operation, or null (unstated).</summary>
    public CostSpec? Costs { get; init; }
}

/// <summary>Tiles and their size.</summary>
public sealed record GeometrySpec
{
    public required int Tiles { get; init; }
    public required int Rows { get; init; }
    public required int Columns { get; init; }
}

/// <summary>Nominal conductance window and its device-to-device spread.</summary>
public sealed record ConductanceSpec
{
    public required double GMinMicrosiemens { get; init; }
    public required double GMaxMicrosiemens { get; init; }
    /// <summary>Relative std of each cell's lower bound (aihwkit w_min_dtod); 0 = every cell has the nominal window.</summary>
    public required double WMinDtod { get; init; }
    /// <summary>Relative std of each cell's upper bound (aihwkit w_max_dtod).</summary>
    public required double WMaxDtod { get; init; }
}

/// <summary>Programming pulses and the cell's response to them.</summary>
public sealed record PulseSpec
{
    public required double NominalVolts { get; init; }
    public required double NominalWidthSeconds { get; init; }
    /// <summary>Below this amplitude a pulse does not switch the cell at all.</summary>
    public required double ThresholdVolts { get; init; }
    /// <summary>Step grows as (width / nominal width)^exponent.</summary>
    public required double WidthExponent { get; init; }
    public required double MaxVolts { get; init; }
    public required double MinWidthSeconds { get; init; }
    public required double MaxWidthSeconds { get; init; }
    public required int MaxPerCellPerRequest { get; init; }
    public required bool OuterProduct { get; init; }
    /// <summary>Mean step of one nominal pulse at w = 0, in weight units (window [-1, 1]).</summary>
    public required double DwMin { get; init; }
    /// <summary>Relative device-to-device std of the step.</summary>
    public required double DwMinDtod { get; init; }
    /// <summary>Systematic up/down asymmetry: up step = dw (1 + up_down), down step = dw (1 - up_down).</summary>
    public required double UpDown { get; init; }
    public required double UpDownDtod { get; init; }
    /// <summary>Cycle-to-cycle std of each pulse's step, in units of the cell's step.</summary>
    public required double DwMinStd { get; init; }
    /// <summary>Std of the write noise on the visible state after a write, in units of dw_min (aihwkit write_noise_std).</summary>
    public required double WriteNoiseStd { get; init; }
    /// <summary>True: PCM programming noise (aihwkit PCM polynomial) instead of <see cref="WriteNoiseStd"/>.</summary>
    public required bool PcmProgrammingNoise { get; init; }
    /// <summary>
    /// State dependence of the up step (aihwkit LinearStepDevice gamma_up): up step = dw_up (1 - gamma_up w / w_max).
    /// 1 is soft bounds (the step shrinks to zero at the cell's upper bound), 0 a constant step with a hard clip.
    /// </summary>
    public required double GammaUp { get; init; }
    /// <summary>Same for the down step: down step = dw_down (1 - gamma_down w / w_min).</summary>
    public required double GammaDown { get; init; }
    /// <summary>Distinct conductance levels a cell can hold across its window (0 = continuous).</summary>
    public required int Levels { get; init; }
}

/// <summary>Read path: safe read voltage, batch limit and read noise.</summary>
public sealed record ReadSpec
{
    public required double MaxVolts { get; init; }
    public required int MaxBatch { get; init; }
    /// <summary>Per-cell, per-read conductance fluctuation as a fraction of the nominal g_max (aihwkit w_noise, additive constant).</summary>
    public required double NoiseRel { get; init; }
}

/// <summary>Row DACs.</summary>
public sealed record DacPresetSpec
{
    public required int Bits { get; init; }
    public required double FullScaleVolts { get; init; }
    public required bool Quantize { get; init; }
}

/// <summary>Column ADCs (after the transimpedance stage).</summary>
public sealed record AdcPresetSpec
{
    public required int Bits { get; init; }
    public required double FullScaleMicroamps { get; init; }
    public required bool Quantize { get; init; }
    public required bool Saturate { get; init; }
    /// <summary>Output-referred noise std as a fraction of full scale (aihwkit out_noise / out_bound).</summary>
    public required double NoiseRel { get; init; }
}

/// <summary>Per-column sense amplifier mismatch.</summary>
public sealed record AmplifierSpec
{
    /// <summary>Relative std of each column's gain.</summary>
    public required double GainStd { get; init; }
    /// <summary>Std of each column's offset as a fraction of ADC full scale.</summary>
    public required double OffsetStd { get; init; }
}

/// <summary>First-order IR drop on row and column lines.</summary>
public sealed record IrDropSpec
{
    public required bool Enabled { get; init; }
    /// <summary>Wire resistance between neighbouring cells.</summary>
    public required double SegmentOhms { get; init; }
}

/// <summary>Cells stuck from manufacture.</summary>
public sealed record StuckSpec
{
    public required double Fraction { get; init; }
    /// <summary>Of the stuck cells, the fraction stuck at g_max (the rest at g_min).</summary>
    public required double AtGMaxFraction { get; init; }
}

/// <summary>Wear-out: each cell survives a log-normally distributed number of pulses.</summary>
public sealed record EnduranceSpec
{
    public required bool Enabled { get; init; }
    public required double MedianPulses { get; init; }
    /// <summary>Sigma of ln(endurance).</summary>
    public required double LogSpread { get; init; }
    /// <summary>Fraction of worn-out cells that become stuck; the others keep moving but lose most of their window.</summary>
    public required double StuckFraction { get; init; }
    /// <summary>Fraction of the window a worn-out, non-stuck cell keeps.</summary>
    public required double WindowKept { get; init; }
}

/// <summary>Power-law conductance drift G(t) = G0 (t / t0)^-nu after programming.</summary>
public sealed record DriftSpec
{
    public required bool Enabled { get; init; }
    public required double T0Seconds { get; init; }
    public required double NuMean { get; init; }
    /// <summary>Device-to-device std of nu.</summary>
    public required double NuStd { get; init; }
    /// <summary>True: the mean nu depends on the programmed state as in aihwkit's PCM model.</summary>
    public required bool NuStateDependent { get; init; }
}

/// <summary>PCM 1/f read noise (aihwkit PCMLikeNoiseModel): sigma = G Q sqrt(ln((t + t_read) / (2 t_read))), Q = min(a / g^b, q_max).</summary>
public sealed record FlickerNoiseSpec
{
    public required bool Enabled { get; init; }
    public required double QCoefficient { get; init; }
    public required double QExponent { get; init; }
    public required double QMax { get; init; }
    public required double TReadSeconds { get; init; }
}

/// <summary>Optional analog neurons after the columns, with hidden per-neuron mismatch.</summary>
public sealed record NeuronSpec
{
    /// <summary>"relu" and/or "tanh"; empty = none.</summary>
    public required IReadOnlyList<string> Activations { get; init; }
    public required double GainStd { get; init; }
    /// <summary>Std of each neuron's input offset as a fraction of ADC full scale.</summary>
    public required double OffsetStd { get; init; }
}

/// <summary>
/// Slow ageing against the simulated clock: drift exponents grow, cells get stuck, read noise rises,
/// and the whole board fails with a Weibull hazard (shape &lt; 1 infant mortality, &gt; 1 wear-out).
/// </summary>
public sealed record AgeingSpec
{
    public required bool Enabled { get; init; }
    /// <summary>Relative increase of every cell's drift exponent per year of board age.</summary>
    public required double NuGrowthPerYear { get; init; }
    /// <summary>Probability per cell per year of becoming stuck from age alone.</summary>
    public required double StuckPerCellPerYear { get; init; }
    /// <summary>Probability per cell per pulse, beyond wear-out, of becoming stuck.</summary>
    public required double StuckPerPulse { get; init; }
    /// <summary>Relative increase of read noise per year.</summary>
    public required double ReadNoiseGrowthPerYear { get; init; }
    /// <summary>Weibull scale of the whole board's life, in years (0 = never fails suddenly).</summary>
    public required double LifetimeYears { get; init; }
    public required double LifetimeShape { get; init; }
    /// <summary>The board is declared dead when this fraction of cells is stuck (gradual death).</summary>
    public required double DeadStuckFraction { get; init; }
}

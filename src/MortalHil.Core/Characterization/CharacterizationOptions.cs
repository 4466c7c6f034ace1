namespace MortalHil.Core.Characterization;

/// <summary>How hard <see cref="BoardCharacterizer"/> looks. Defaults suit a board of ~1M cells in tens of seconds.</summary>
public sealed record CharacterizationOptions
{
    /// <summary>Repeated whole-tile measurements for the measurement-noise estimate.</summary>
    public int MeasureRepeats { get; init; } = 4;
    /// <summary>Copies of one input in the repeated-read batch.</summary>
    public int ReadRepeats { get; init; } = 32;
    /// <summary>Up/down cycles of the stuck-cell census.</summary>
    public int StuckCycles { get; init; } = 3;
    /// <summary>Side of the square of cells sampled for bounds and pulse response.</summary>
    public int SampleSide { get; init; } = 8;
    /// <summary>Cells whose pulse response is recorded point by point.</summary>
    public int CurveCells { get; init; } = 6;
    /// <summary>Pulses per chunk in the saturation sweeps.</summary>
    public int SweepChunk { get; init; } = 16;
    /// <summary>Upper bound of pulses per sweep direction.</summary>
    public int MaxSweepPulses { get; init; } = 8192;
}

/// <summary>Where a characterisation is: a stage name and the overall fraction done (0..1).</summary>
public readonly record struct CharacterizationProgress(string Stage, double Fraction);

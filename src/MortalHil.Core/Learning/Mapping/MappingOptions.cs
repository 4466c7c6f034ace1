namespace MortalHil.Core.Learning.Mapping;

/// <summary>How <see cref="NetworkMapper"/> lays a network onto a board and initialises it.</summary>
public sealed record MappingOptions
{
    /// <summary>Where the two devices of each weight sit.</summary>
    public PairOrientation Pairs { get; init; } = PairOrientation.Columns;
    /// <summary>Initial weights use ±this fraction of the conductance window (uniform), around its centre.</summary>
    public float InitialWindowFraction { get; init; } = 0.3f;
    /// <summary>Groups of hidden units per local readout; 0 maps no local readouts.</summary>
    public int ReadoutGroups { get; init; }
    /// <summary>Closed-loop settings for programming the initial weights.</summary>
    public ProgrammingOptions InitialProgramming { get; init; } = new(ToleranceFraction: 0.05f, MaxIterations: 6);
    /// <summary>Measure per-column read gains against measured conductances (costs one conductance measurement per block).</summary>
    public bool CalibrateGains { get; init; } = true;
    /// <summary>Seed for the initial weights and calibration inputs.</summary>
    public int Seed { get; init; } = 1;
}

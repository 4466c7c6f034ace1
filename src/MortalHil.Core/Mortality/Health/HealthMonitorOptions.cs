using MortalHil.Core.Devices;

namespace MortalHil.Core.Mortality.Health;

/// <summary>What a <see cref="HealthMonitor"/> measures and how.</summary>
public sealed record HealthMonitorOptions
{
    /// <summary>
    /// Cells censused by measurement only (never pulsed by the monitor): typically the windows the
    /// network occupies. Their edge occupancy and drift are tracked.
    /// </summary>
    public IReadOnlyList<CrossbarWindow> CensusWindows { get; init; } = [];

    /// <summary>
    /// Spare cells the monitor may pulse up and down to see whether they still move (stuck cells,
    /// write failures). Null: no write probe. Must not overlap the network's cells.
    /// </summary>
    public CrossbarWindow? ProbeWindow { get; init; }

    /// <summary>
    /// Pulses per direction the first probe starts with (default 8). Until nine in ten of the probe cells' moves
    /// clear the noise threshold by a factor of two, the first probe doubles the count (up to
    /// <see cref="MaxProbePulses"/>) and later probes use what worked: a ReRAM cell with ~1,500 levels
    /// moves by less than its read noise in 8 pulses.
    /// </summary>
    public int ProbePulses { get; init; } = 8;

    /// <summary>Most pulses per direction a probe may use (default 512), sent in requests within the board's per-request limit.</summary>
    public int MaxProbePulses { get; init; } = 512;

    /// <summary>Share of the nominal window at each end counted as "at the edge" (default 0.02).</summary>
    public double EdgeBand { get; init; } = 0.02;

    /// <summary>A probe move counts only beyond this many standard deviations of a measured difference (default 4).</summary>
    public double MoveThresholdSigmas { get; init; } = 4;

    /// <summary>
    /// A probe pulse train that moves its cell by less than this share of the first probe's median
    /// response counts as a write failure (default 0.25).
    /// </summary>
    public double WeakResponseFraction { get; init; } = 0.25;
}

namespace MortalHil.Core.Mortality.Health;

/// <summary>
/// One health check of a board, all by measurement through <see cref="Devices.IDevice"/>. Signals a
/// check did not measure (no canary model, no probe cells) are null.
/// </summary>
public sealed record HealthSample
{
    /// <summary>The board's own clock (simulated time on a simulated board).</summary>
    public required TimeSpan BoardTime { get; init; }
    /// <summary>Fraction of the canary set classified correctly.</summary>
    public double? CanaryAccuracy { get; init; }
    /// <summary>Fraction of censused cells measured at (or beyond) an edge of the nominal conductance window.</summary>
    public required double EdgeFraction { get; init; }
    /// <summary>Fraction of probe cells that moved in neither direction when pulsed up and down.</summary>
    public double? StuckFraction { get; init; }
    /// <summary>Fraction of probe pulse trains that moved their cell less than expected (see <see cref="WriteProbe"/>).</summary>
    public double? WriteFailureFraction { get; init; }
    /// <summary>Mean |G - G_reference| of censused cells as a fraction of the nominal window, noise floor removed.</summary>
    public required double DriftFraction { get; init; }
    /// <summary>Standard deviation of one conductance measurement, siemens, from two back-to-back measurements.</summary>
    public required double MeasurementNoiseSiemens { get; init; }
    /// <summary>True when the drift reference was (re)taken at this sample because the board had been programmed since the last one.</summary>
    public required bool DriftRebaselined { get; init; }
    /// <summary>Total pulses the board reports (its wear).</summary>
    public required long TotalPulses { get; init; }
    /// <summary>Most pulses on any one cell.</summary>
    public required long MaxCellPulses { get; init; }
    /// <summary>Pulses this check itself applied (probing wears the probe cells a little).</summary>
    public required long ProbePulsesApplied { get; init; }
}

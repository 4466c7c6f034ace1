namespace MortalHil.Core.Mortality.Health;

/// <summary>Names of the series a <see cref="HealthSeries"/> offers (also the JSON keys).</summary>
public static class HealthSignals
{
    public const string CanaryAccuracy = "canary_accuracy";
    public const string EdgeFraction = "edge_fraction";
    public const string StuckFraction = "stuck_fraction";
    public const string WriteFailureFraction = "write_failure_fraction";
    public const string DriftFraction = "drift_fraction";

    public static readonly IReadOnlyList<string> All = [CanaryAccuracy, EdgeFraction, StuckFraction, WriteFailureFraction, DriftFraction];

    /// <summary>The value of <paramref name="signal"/> in <paramref name="s"/> (null when not measured).</summary>
    public static double? Value(HealthSample s, string signal) => signal switch
    {
        CanaryAccuracy => s.CanaryAccuracy,
        EdgeFraction => s.EdgeFraction,
        StuckFraction => s.StuckFraction,
        WriteFailureFraction => s.WriteFailureFraction,
        DriftFraction => s.DriftFraction,
        _ => throw new ArgumentException($"unknown health signal '{signal}'; known: {string.Join(", ", All)}"),
    };
}

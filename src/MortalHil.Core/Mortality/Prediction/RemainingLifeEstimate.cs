namespace MortalHil.Core.Mortality.Prediction;

/// <summary>
/// Remaining useful life of a board according to one health signal, measured from that signal's
/// newest sample. A null time means "not within the prediction horizon".
/// </summary>
/// <param name="Indicator">Name of the signal.</param>
/// <param name="Model">The trend model that fitted best.</param>
/// <param name="Median">When the fitted trend reaches the failure threshold.</param>
/// <param name="Lower">When the pessimistic end of the prediction interval reaches it (the time to act on).</param>
/// <param name="Upper">When the optimistic end reaches it.</param>
/// <param name="Confidence">Two-sided confidence of the interval, e.g. 0.9.</param>
/// <param name="CurrentValue">The newest sample of the signal.</param>
/// <param name="AtHours">Board time of the newest sample, hours.</param>
public sealed record RemainingLifeEstimate(
    string Indicator, TrendModel Model, TimeSpan? Median, TimeSpan? Lower, TimeSpan? Upper,
    double Confidence, double CurrentValue, double AtHours)
{
    /// <summary>True when even the pessimistic bound does not reach the threshold within the horizon.</summary>
    public bool NoFailureInSight => Lower is null;

    public override string ToString() =>
        $"{Indicator} ({Model}): RUL {Fmt(Median)} [{Fmt(Lower)} .. {Fmt(Upper)}] at {Confidence:P0}";

    private static string Fmt(TimeSpan? t) => t is { } v ? $"{v.TotalHours:F1} h" : "beyond horizon";
}

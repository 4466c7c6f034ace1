namespace MortalHil.Core.Mortality.Prediction;

/// <summary>Which way a health indicator moves as a board ages.</summary>
public enum AgeingDirection
{
    /// <summary>The indicator falls with age (e.g. canary accuracy).</summary>
    Falling = 0,
    /// <summary>The indicator rises with age (e.g. stuck-cell fraction, drift, write failures).</summary>
    Rising = 1,
}

/// <summary>
/// One health signal the predictor extrapolates, and the level at which the board counts as
/// failed for that signal (functional death, which comes before or with physical death).
/// </summary>
/// <param name="Name">Name of the series, e.g. "canary_accuracy".</param>
/// <param name="Direction">Which way the signal moves as the board ages.</param>
/// <param name="FailureThreshold">The board has failed once the signal reaches this level.</param>
/// <param name="HealthyLevel">
/// The signal's value on a healthy board, the reference from which the exponential model measures
/// damage. Null: estimated as the best of the first few samples.
/// </param>
public sealed record HealthIndicator(string Name, AgeingDirection Direction, double FailureThreshold, double? HealthyLevel = null)
{
    /// <summary>
    /// The signal is a level measured through noisy readings (canary accuracy: a board's knowledge, read on a small set with read
    /// noise), and the board fails when the <b>level</b> crosses the threshold, not when one reading does. The predictor then bounds
    /// the fitted level (its confidence interval) instead of a new reading (its prediction interval): with a threshold within the
    /// readings' own spread, as a one-point knowledge budget on a 256-image canary is, the prediction interval of a reading crosses
    /// at once on a flat series, and every board was called as soon as the predictor had its minimum number of samples.
    /// </summary>
    public bool Level { get; init; }

    /// <summary>True when <paramref name="value"/> is at or past the failure threshold.</summary>
    public bool HasFailed(double value) => Direction == AgeingDirection.Falling ? value <= FailureThreshold : value >= FailureThreshold;

    /// <summary>
    /// Damage relative to <paramref name="healthy"/>: how far <paramref name="value"/> has moved in the
    /// ageing direction (negative when it is better than healthy).
    /// </summary>
    public double Damage(double value, double healthy) => Direction == AgeingDirection.Falling ? healthy - value : value - healthy;

    /// <summary>The value that lies <paramref name="damage"/> away from <paramref name="healthy"/> in the ageing direction.</summary>
    public double ValueAtDamage(double damage, double healthy) => Direction == AgeingDirection.Falling ? healthy - damage : healthy + damage;
}

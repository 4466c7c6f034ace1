using MathNet.Numerics.Distributions;

namespace MortalHil.Core.Mortality.Prediction;

/// <summary>
/// A weighted least-squares line z = a + b t fitted to a health signal (z = y for the linear model,
/// z = ln(damage) for the exponential one), with what is needed for a prediction interval.
/// Times are hours on the board's clock.
/// </summary>
/// <remarks>
/// The interval is the textbook one for a new observation under a straight-line model with
/// homoscedastic errors, written for arbitrary (here: recency) weights: with
/// W = sum w, tbar = sum w t / W and Sxx = sum w (t - tbar)^2, the variance of the fitted value at t0
/// is s^2 [sum w^2 / W^2 + (t0 - tbar)^2 sum w^2 (t - tbar)^2 / Sxx^2], and a new observation adds s^2.
/// s^2 is the weighted mean squared residual scaled by n_eff / (n_eff - 2), with Kish's effective
/// sample size n_eff = W^2 / sum w^2; the quantile is Student's t with n_eff - 2 degrees of freedom.
/// </remarks>
public sealed record TrendFit
{
    public required HealthIndicator Indicator { get; init; }
    public required TrendModel Model { get; init; }
    /// <summary>Intercept a of the fitted line (in the model's transformed space).</summary>
    public required double Intercept { get; init; }
    /// <summary>Slope b per hour (in the model's transformed space).</summary>
    public required double SlopePerHour { get; init; }
    /// <summary>Residual standard deviation s (transformed space).</summary>
    public required double ResidualStd { get; init; }
    /// <summary>Kish effective sample size of the weighted fit.</summary>
    public required double EffectiveSamples { get; init; }
    /// <summary>The healthy level the exponential model measures damage from (unused by the linear model).</summary>
    public required double HealthyLevel { get; init; }
    /// <summary>Weighted mean squared error of the fit in the signal's own units (for choosing between models).</summary>
    public required double WeightedMeanSquaredError { get; init; }
    /// <summary>Time of the newest sample, hours.</summary>
    public required double LastTimeHours { get; init; }

    /// <summary>Weighted mean sample time tbar, hours.</summary>
    public required double MeanTime { get; init; }
    /// <summary>sum w^2 / W^2: the intercept's share of the fitted value's variance.</summary>
    public required double SumSquaredWeightsOverWeightSquared { get; init; }
    /// <summary>sum w^2 (t - tbar)^2 / Sxx^2: the slope's variance per s^2, per hour^2.</summary>
    public required double SlopeVarianceFactor { get; init; }

    /// <summary>Degrees of freedom of the residuals (n_eff - 2).</summary>
    public double DegreesOfFreedom => EffectiveSamples - 2;

    /// <summary>The fitted (median) value of the signal at <paramref name="hours"/>.</summary>
    public double Predict(double hours) => FromTransformed(Intercept + SlopePerHour * hours);

    /// <summary>
    /// Two-sided prediction interval at <paramref name="confidence"/> for a new observation at
    /// <paramref name="hours"/>, as (worse, better) in the ageing sense: Worse is the pessimistic end.
    /// </summary>
    public (double Worse, double Better) PredictionInterval(double hours, double confidence) => Interval(hours, confidence, newObservation: true);

    /// <summary>
    /// Two-sided confidence interval at <paramref name="confidence"/> for the fitted value (the signal's level) at
    /// <paramref name="hours"/>, as (worse, better): as <see cref="PredictionInterval"/> without a new observation's own noise.
    /// </summary>
    public (double Worse, double Better) ConfidenceInterval(double hours, double confidence) => Interval(hours, confidence, newObservation: false);

    private (double Worse, double Better) Interval(double hours, double confidence, bool newObservation)
    {
        double dt = hours - MeanTime;
        double se = ResidualStd * Math.Sqrt((newObservation ? 1 : 0) + SumSquaredWeightsOverWeightSquared + dt * dt * SlopeVarianceFactor);
        double q = Quantile(confidence);
        double centre = Intercept + SlopePerHour * hours;
        double lo = FromTransformed(centre - q * se), hi = FromTransformed(centre + q * se);
        // For a falling signal the lower value is worse, for a rising one the higher.
        return Indicator.Direction == AgeingDirection.Falling ? (Math.Min(lo, hi), Math.Max(lo, hi)) : (Math.Max(lo, hi), Math.Min(lo, hi));
    }

    private (double Confidence, double Q) _quantile = (double.NaN, double.NaN);

    /// <summary>Student's t quantile for a two-sided <paramref name="confidence"/>, cached: the crossing search asks thousands of times.</summary>
    private double Quantile(double confidence)
    {
        var cached = _quantile;
        if (cached.Confidence == confidence) return cached.Q;
        double q = StudentT.InvCDF(0, 1, DegreesOfFreedom, 0.5 + confidence / 2);
        _quantile = (confidence, q);
        return q;
    }

    internal double FromTransformed(double z) => Model switch
    {
        TrendModel.Linear => z,
        TrendModel.Exponential => Indicator.ValueAtDamage(Math.Exp(Math.Min(z, 700)), HealthyLevel),
        _ => throw new InvalidOperationException($"unknown model {Model}"),
    };
}

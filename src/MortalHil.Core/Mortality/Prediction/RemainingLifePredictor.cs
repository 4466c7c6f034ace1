namespace MortalHil.Core.Mortality.Prediction;

/// <summary>
/// Predicts remaining useful life from a health series: fits each <see cref="TrendModel"/> by
/// weighted least squares, keeps the one with the smaller weighted error, and extrapolates it and
/// its prediction interval to the indicator's failure threshold.
/// </summary>
public sealed class RemainingLifePredictor
{
    /// <summary>Two-sided confidence of the prediction interval (default 0.9).</summary>
    public double Confidence { get; init; } = 0.9;
    /// <summary>How far ahead to look for a threshold crossing (default 10,000 h).</summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromHours(10_000);
    /// <summary>
    /// Recency weighting of samples as a board-time half-life (see <see cref="WeightedTrendFitter.Fit"/>).
    /// Null (default): <see cref="RecencyHalfLifeSamples"/> times the median sampling interval.
    /// </summary>
    public TimeSpan? RecencyHalfLife { get; init; }
    /// <summary>
    /// Half-life of the recency weights counted in samples, used when <see cref="RecencyHalfLife"/> is
    /// null (default 6, an effective sample size of about 17). Equal weights average the long healthy
    /// stretch into the slope and see an accelerating wear-out too late; on scripted wear-out series
    /// (tests) a half-life of 6 samples called every handover in time, 20 samples missed 15%.
    /// </summary>
    public double RecencyHalfLifeSamples { get; init; } = 6;
    /// <summary>
    /// Fewest samples before any prediction is made (default 8). A line through four or five noisy
    /// points has so few residual degrees of freedom that, checked again at every new sample, its
    /// pessimistic bound sooner or later crosses by chance: a false alarm that wastes a healthy board.
    /// </summary>
    public int MinimumSamples { get; init; } = 8;
    /// <summary>Models tried; the one with the smaller weighted error is kept.</summary>
    public IReadOnlyList<TrendModel> Models { get; init; } = [TrendModel.Linear, TrendModel.Exponential];
    /// <summary>
    /// A model other than the first in <see cref="Models"/> is kept only when its weighted error is
    /// below this fraction of the first one's (default 0.7). On a flat, noisy series both fit
    /// equally badly, and an exponential extrapolated from noise would cry wolf.
    /// </summary>
    public double RequiredErrorRatio { get; init; } = 0.7;

    /// <summary>Steps of the coarse scan for a crossing before bisection refines it.</summary>
    private const int ScanSteps = 512;

    /// <summary>Fits the series; null when it is too short to fit.</summary>
    public TrendFit? BestFit(IReadOnlyList<TimedValue> series, HealthIndicator indicator)
    {
        TrendFit? first = null, best = null;
        var halfLife = RecencyHalfLife ?? MedianInterval(series) * RecencyHalfLifeSamples;
        foreach (var m in Models)
        {
            var f = WeightedTrendFitter.Fit(series, indicator, m, halfLife);
            if (f is null) continue;
            if (first is null) { first = best = f; continue; }
            if (f.WeightedMeanSquaredError < RequiredErrorRatio * first.WeightedMeanSquaredError
                && f.WeightedMeanSquaredError < best!.WeightedMeanSquaredError) best = f;
        }
        return best;
    }

    private static TimeSpan MedianInterval(IReadOnlyList<TimedValue> series)
    {
        if (series.Count < 2) return TimeSpan.Zero;
        var d = new long[series.Count - 1];
        for (int i = 1; i < series.Count; i++) d[i - 1] = (series[i].Time - series[i - 1].Time).Ticks;
        Array.Sort(d);
        return TimeSpan.FromTicks(d[d.Length / 2]);
    }

    /// <summary>Remaining life by <paramref name="indicator"/>; null when the series is too short to fit.</summary>
    public RemainingLifeEstimate? Predict(IReadOnlyList<TimedValue> series, HealthIndicator indicator)
    {
        if (series.Count < Math.Max(MinimumSamples, WeightedTrendFitter.MinimumSamples)) return null;
        var fit = BestFit(series, indicator);
        if (fit is null) return null;
        double now = fit.LastTimeHours;
        TimeSpan? median = FirstCrossing(now, t => indicator.HasFailed(fit.Predict(t)));
        // A level read through noise (HealthIndicator.Level) is bounded by the fitted level's interval, anything else by a new reading's.
        Func<double, (double Worse, double Better)> interval = indicator.Level ? t => fit.ConfidenceInterval(t, Confidence) : t => fit.PredictionInterval(t, Confidence);
        TimeSpan? lower = FirstCrossing(now, t => indicator.HasFailed(interval(t).Worse));
        TimeSpan? upper = FirstCrossing(now, t => indicator.HasFailed(interval(t).Better));
        // A signal already past its threshold has no life left, whatever the fit says. "Already" means the
        // mean of the last three samples, so one unlucky canary check on a noisy board does not end its life.
        int recent = Math.Min(3, series.Count);
        double recentMean = 0;
        for (int i = series.Count - recent; i < series.Count; i++) recentMean += series[i].Value / recent;
        if (indicator.HasFailed(recentMean)) lower = TimeSpan.Zero;
        if (median is { } md && (lower is null || lower > md)) lower = md; // the interval always contains the median
        return new RemainingLifeEstimate(indicator.Name, fit.Model, median, lower, upper, Confidence, series[^1].Value, now);
    }

    /// <summary>
    /// First time after <paramref name="now"/> (hours) at which <paramref name="failed"/> holds, as a
    /// span from now: a scan on a grid that is dense near now, then bisection inside the bracket.
    /// </summary>
    private TimeSpan? FirstCrossing(double now, Func<double, bool> failed)
    {
        if (failed(now)) return TimeSpan.Zero;
        double horizon = Horizon.TotalHours, prev = now;
        for (int k = 1; k <= ScanSteps; k++)
        {
            double f = (double)k / ScanSteps;
            double t = now + horizon * f * f;
            if (failed(t))
            {
                double lo = prev, hi = t;
                for (int i = 0; i < 50 && hi - lo > 1e-6; i++)
                {
                    double mid = 0.5 * (lo + hi);
                    if (failed(mid)) hi = mid; else lo = mid;
                }
                return TimeSpan.FromHours(hi - now);
            }
            prev = t;
        }
        return null;
    }
}

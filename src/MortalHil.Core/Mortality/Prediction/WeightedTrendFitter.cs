using MathNet.Numerics.LinearRegression;

namespace MortalHil.Core.Mortality.Prediction;

/// <summary>
/// Fits <see cref="TrendModel"/>s to a health series by weighted least squares (MathNet.Numerics),
/// weighting recent samples more so a fit follows an accelerating decline.
/// </summary>
public static class WeightedTrendFitter
{
    /// <summary>Fewest samples for which a fit (and its interval, which needs residual degrees of freedom) is attempted.</summary>
    public const int MinimumSamples = 4;

    /// <summary>
    /// Fits <paramref name="model"/> to <paramref name="series"/> (sorted by time). Each sample weighs
    /// 0.5^(age / <paramref name="recencyHalfLife"/>), age measured from the newest sample; a null
    /// half-life weighs all equally. Returns null when there are too few samples or no spread in time.
    /// </summary>
    public static TrendFit? Fit(IReadOnlyList<TimedValue> series, HealthIndicator indicator, TrendModel model, TimeSpan? recencyHalfLife = null)
    {
        int n = series.Count;
        if (n < MinimumSamples) return null;
        var t = new double[n];
        var y = new double[n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            t[i] = series[i].Time.TotalHours;
            y[i] = series[i].Value;
            if (!double.IsFinite(y[i])) throw new ArgumentException($"sample {i} of {indicator.Name} is not finite");
            if (i > 0 && t[i] < t[i - 1]) throw new ArgumentException($"{indicator.Name} samples are not in time order");
        }
        double tLast = t[n - 1];
        for (int i = 0; i < n; i++)
            w[i] = recencyHalfLife is { } h && h > TimeSpan.Zero ? Math.Pow(0.5, (tLast - t[i]) / h.TotalHours) : 1.0;

        double healthy = indicator.HealthyLevel ?? EstimateHealthyLevel(y, indicator);
        var z = new double[n];
        if (model == TrendModel.Linear)
            Array.Copy(y, z, n);
        else
        {
            // ln(damage) needs damage > 0: floor it at a quarter of the typical sample-to-sample
            // change (a noise scale), so a noisy healthy stretch fits as "small, flat damage".
            double floor = Math.Max(NoiseScale(y) / 4, 1e-9);
            for (int i = 0; i < n; i++) z[i] = Math.Log(Math.Max(indicator.Damage(y[i], healthy), floor));
        }

        double sw = 0, sw2 = 0, swt = 0;
        for (int i = 0; i < n; i++) { sw += w[i]; sw2 += w[i] * w[i]; swt += w[i] * t[i]; }
        double tbar = swt / sw;
        double sxx = 0, sw2xx = 0;
        for (int i = 0; i < n; i++)
        {
            double d = t[i] - tbar;
            sxx += w[i] * d * d;
            sw2xx += w[i] * w[i] * d * d;
        }
        double nEff = sw * sw / sw2;
        if (sxx <= 1e-12 * Math.Max(1, tbar * tbar) || nEff <= 2.5) return null;

        var design = new double[n][];
        for (int i = 0; i < n; i++) design[i] = [1.0, t[i]];
        var beta = WeightedRegression.Weighted(design, z, w);
        double a = beta[0], b = beta[1];

        double swr2 = 0, swe2 = 0;
        var fit = new TrendFit
        {
            Indicator = indicator, Model = model, Intercept = a, SlopePerHour = b, ResidualStd = 0,
            EffectiveSamples = nEff, HealthyLevel = healthy, WeightedMeanSquaredError = 0, LastTimeHours = tLast,
            MeanTime = tbar, SumSquaredWeightsOverWeightSquared = sw2 / (sw * sw), SlopeVarianceFactor = sw2xx / (sxx * sxx),
        };
        for (int i = 0; i < n; i++)
        {
            double r = z[i] - (a + b * t[i]);
            swr2 += w[i] * r * r;
            double e = y[i] - fit.Predict(t[i]);
            swe2 += w[i] * e * e;
        }
        double s2 = swr2 / sw * nEff / (nEff - 2);
        return fit with { ResidualStd = Math.Sqrt(s2), WeightedMeanSquaredError = swe2 / sw };
    }

    /// <summary>The best of the first three samples in the indicator's sense: a board is healthiest when new.</summary>
    internal static double EstimateHealthyLevel(double[] y, HealthIndicator indicator)
    {
        int k = Math.Min(3, y.Length);
        double best = y[0];
        for (int i = 1; i < k; i++)
            best = indicator.Direction == AgeingDirection.Falling ? Math.Max(best, y[i]) : Math.Min(best, y[i]);
        return best;
    }

    /// <summary>Median absolute difference of consecutive samples: a robust scale of sample noise.</summary>
    internal static double NoiseScale(double[] y)
    {
        if (y.Length < 2) return 0;
        var d = new double[y.Length - 1];
        for (int i = 1; i < y.Length; i++) d[i - 1] = Math.Abs(y[i] - y[i - 1]);
        Array.Sort(d);
        return d[d.Length / 2];
    }
}

using MortalHil.Core.Mortality.Prediction;

namespace MortalHil.Core.Tests.Mortality.Prediction;

/// <summary>Scripted health series with a known moment of death, for predictor tests.</summary>
internal static class ScriptedDegradation
{
    /// <summary>Gaussian noise from a seeded generator (Box-Muller).</summary>
    public static Func<double> Noise(int seed, double sigma)
    {
        var rng = new Random(seed);
        return () => sigma * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
    }

    /// <summary>
    /// Canary accuracy that is flat at 0.95 and then wears out exponentially:
    /// 0.95 - 0.01 exp((t - 200 h) / 40 h), plus noise. It reaches 0.80 at 200 + 40 ln 15 = 308.3 h.
    /// </summary>
    public static double WearOutAccuracy(double hours) => 0.95 - 0.01 * Math.Exp((hours - 200) / 40);

    public static readonly double WearOutDeathHours = 200 + 40 * Math.Log(15);

    public static List<TimedValue> Sample(Func<double, double> signal, double everyHours, double untilHours, Func<double> noise)
    {
        var list = new List<TimedValue>();
        for (double t = 0; t <= untilHours + 1e-9; t += everyHours)
            list.Add(new TimedValue(TimeSpan.FromHours(t), signal(t) + noise()));
        return list;
    }
}

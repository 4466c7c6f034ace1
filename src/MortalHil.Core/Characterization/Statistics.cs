namespace MortalHil.Core.Characterization;

/// <summary>Small robust statistics used by the characterisation stages.</summary>
internal static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var a = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
        if (a.Length == 0) return double.NaN;
        return a.Length % 2 == 1 ? a[a.Length / 2] : 0.5 * (a[a.Length / 2 - 1] + a[a.Length / 2]);
    }

    public static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        double mean = values.Average();
        double ss = values.Sum(v => (v - mean) * (v - mean));
        return (mean, values.Count > 1 ? Math.Sqrt(ss / (values.Count - 1)) : 0);
    }
}

using System.Globalization;

namespace MortalHil.Stress.Scenarios;

/// <summary>The range rules scenario fields obey; each failure throws a <see cref="ScenarioFieldException"/> naming the field.</summary>
internal static class FieldRules
{
    public static T Required<T>(string field, T? value) where T : class
        => value ?? throw new ScenarioFieldException(field, "is required");

    public static T Required<T>(string field, T? value) where T : struct
        => value ?? throw new ScenarioFieldException(field, "is required");

    public static int IntAtLeast(string field, int value, int min, int max = int.MaxValue)
    {
        if (value < min) throw new ScenarioFieldException(field, $"must be >= {min} (got {value})");
        if (value > max) throw new ScenarioFieldException(field, $"must be <= {max} (got {value})");
        return value;
    }

    /// <summary>Finite and within [min, max].</summary>
    public static double Between(string field, double value, double min, double max)
    {
        if (!double.IsFinite(value)) throw new ScenarioFieldException(field, $"must be a finite number (got {F(value)})");
        if (value < min) throw new ScenarioFieldException(field, $"must be >= {F(min)} (got {F(value)})");
        if (value > max) throw new ScenarioFieldException(field, $"must be <= {F(max)} (got {F(value)})");
        return value;
    }

    /// <summary>Finite, strictly above <paramref name="exclusiveMin"/>, at most <paramref name="max"/>.</summary>
    public static double Above(string field, double value, double exclusiveMin, double max)
    {
        if (!double.IsFinite(value)) throw new ScenarioFieldException(field, $"must be a finite number (got {F(value)})");
        if (value <= exclusiveMin) throw new ScenarioFieldException(field, $"must be > {F(exclusiveMin)} (got {F(value)})");
        if (value > max) throw new ScenarioFieldException(field, $"must be <= {F(max)} (got {F(value)})");
        return value;
    }

    public static double Probability(string field, double value) => Between(field, value, 0, 1);

    // Shortest text that reads back as the same number: "must be <= 1E+06 (got 1000000.5)", never "(got 1E+06)".
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

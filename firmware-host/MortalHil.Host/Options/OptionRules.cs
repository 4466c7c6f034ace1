using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace MortalHil.Host.Options;

/// <summary>
/// Ranges attached to options, checked while the command line is parsed (before any work starts), so a value
/// that would make a run hang, explode or write NaN is refused in one line that names the option and the limit.
/// The range is also appended to the option's help text.
/// </summary>
public static class OptionRules
{
    /// <summary>Accepts values in [min, max] (or (min, max] when <paramref name="minExclusive"/>); refuses NaN and infinities.</summary>
    public static Option<T> InRange<T>(this Option<T> option, T min, T max, bool minExclusive = false) where T : struct, INumber<T>
    {
        string range = Range(min, max, minExclusive);
        option.Description = $"{option.Description}; allowed: {range}";
        option.Validators.Add(result =>
        {
            if (Converted<T>(result, out var v)) Check(result, v, min, max, minExclusive, range);
        });
        return option;
    }

    /// <summary>Nullable form of <see cref="InRange{T}(Option{T},T,T,bool)"/>: no value means "use the default".</summary>
    public static Option<T?> InRange<T>(this Option<T?> option, T min, T max, bool minExclusive = false) where T : struct, INumber<T>
    {
        string range = Range(min, max, minExclusive);
        option.Description = $"{option.Description}; allowed: {range}";
        option.Validators.Add(result =>
        {
            if (Converted<T?>(result, out var value) && value is { } v) Check(result, v, min, max, minExclusive, range);
        });
        return option;
    }

    /// <summary>Refuses an empty or blank value (an empty path or spec), or one with a NUL character.</summary>
    public static TOption NotEmpty<TOption>(this TOption option) where TOption : Option
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
                if (string.IsNullOrWhiteSpace(token.Value) || token.Value.Contains('\0'))
                    result.AddError($"{result.Option.Name} needs a non-empty value");
        });
        return option;
    }

    /// <summary>
    /// The option's value, or false when its text does not convert ("-141517559121" for an int): the parser reports that
    /// itself ("Cannot parse argument"), but <c>GetValueOrDefault</c> inside a validator throws it, which used to end the
    /// program with a stack trace (found by the property suite).
    /// </summary>
    private static bool Converted<T>(OptionResult result, out T value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default!;
            return false;
        }
    }

    private static void Check<T>(OptionResult result, T v, T min, T max, bool minExclusive, string range) where T : struct, INumber<T>
    {
        bool ok = !T.IsNaN(v) && !T.IsInfinity(v) && (minExclusive ? v > min : v >= min) && v <= max;
        if (!ok) result.AddError($"{result.Option.Name} must be in {range} (got {Show(v)})");
    }

    private static string Range<T>(T min, T max, bool minExclusive) where T : INumber<T> =>
        $"{(minExclusive ? "(" : "[")}{Show(min)}, {Show(max)}]";

    internal static string Show<T>(T v) where T : INumber<T> => v switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => string.Format(CultureInfo.InvariantCulture, "{0}", v),
    };
}

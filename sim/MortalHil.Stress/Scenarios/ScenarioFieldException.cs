using System.Globalization;

namespace MortalHil.Stress.Scenarios;

/// <summary>
/// A scenario file that cannot be run, with the offending field named in one line, e.g.
/// <c>scenario field 'fleet.size' must be &gt;= 1 (got 0)</c>. A <see cref="FormatException"/>, so the
/// command line reports it as bad input (exit code 2).
/// </summary>
public sealed class ScenarioFieldException : FormatException
{
    public ScenarioFieldException(string field, string problem, Exception? inner = null, string? file = null)
        : base((file is null ? "" : file + ": ") + $"scenario field '{field}' {problem}", inner)
    {
        Field = field;
        Problem = problem;
    }

    /// <summary>The JSON path of the field, e.g. <c>faults.link.error_rate</c>.</summary>
    public string Field { get; }

    /// <summary>What is wrong with it, e.g. <c>must be &gt;= 1 (got 0)</c>.</summary>
    public string Problem { get; }

    /// <summary>The same error, prefixed with the file it came from.</summary>
    public ScenarioFieldException InFile(string file) => new(Field, Problem, this, file);

    internal static string Format(object? v) => v switch
    {
        null => "null",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        string s => $"\"{s}\"",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "?",
    };
}

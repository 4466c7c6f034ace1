using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.RegularExpressions;

namespace MortalHil.Core.Files;

/// <summary>
/// The CSV tables the commands write say what they are and carry a checksum, as the JSON results do
/// (<see cref="StampedJson"/>): a first comment line <c># mortalhil KIND csv version V checksum xxh64:HEX</c>, then the
/// table, the checksum being the XxHash64 of the UTF-8 bytes of <c>mortalhil KIND csv version V</c>, a newline, and
/// everything after the first line. Spreadsheet and plotting tools skip the stamp as a comment (pandas:
/// <c>comment='#'</c>); a changed cell, row, line ending, kind or version no longer matches it.
/// </summary>
public static partial class StampedCsv
{
    /// <summary>The stamped text: the stamp line, then <paramref name="table"/> exactly as given.</summary>
    public static string Stamp(string table, string kind, int version)
    {
        if (string.IsNullOrWhiteSpace(kind) || kind.Any(char.IsWhiteSpace)) throw new ArgumentException("a CSV kind is one word", nameof(kind));
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), "versions start at 1");
        if (table.StartsWith('#')) throw new ArgumentException($"a {kind} table must not start with a comment line", nameof(table));
        string head = Head(kind, version);
        return $"# {head} checksum {Checksum(head, table)}\n{table}";
    }

    /// <summary>Writes the stamped <paramref name="table"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, string table, string kind, int version) => AtomicFile.WriteAllText(path, Stamp(table, kind, version));

    /// <summary>True when <paramref name="text"/> starts with a stamp line; says nothing of its checksum.</summary>
    public static bool IsStamped(string text) => text.StartsWith("# mortalhil ", StringComparison.Ordinal);

    /// <summary>
    /// The kind and version of a stamped table, after checking its checksum; a table without a well-formed stamp line,
    /// or whose checksum does not match its rows, is refused with <see cref="InvalidDataException"/> saying which.
    /// </summary>
    public static (string Kind, int Version) Verify(string text)
    {
        int newline = text.IndexOf('\n');
        var m = StampLine().Match(newline < 0 ? text : text[..newline]);
        if (!m.Success) throw new InvalidDataException("no '# mortalhil KIND csv version V checksum xxh64:HEX' first line: not a table MortalHil stamped");
        string kind = m.Groups["kind"].Value;
        if (!int.TryParse(m.Groups["version"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
            throw new InvalidDataException($"{kind} csv: version is not a whole number of 1 or more");
        string actual = Checksum(Head(kind, version), newline < 0 ? "" : text[(newline + 1)..]);
        if (!string.Equals(m.Groups["checksum"].Value, actual, StringComparison.Ordinal))
            throw new InvalidDataException($"{kind} csv v{version}: checksum {m.Groups["checksum"].Value} does not match the rows ({actual}): the file was changed or damaged");
        return (kind, version);
    }

    private static string Head(string kind, int version) => $"mortalhil {kind} csv version {version.ToString(CultureInfo.InvariantCulture)}";

    private static string Checksum(string head, string table) => $"xxh64:{XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(head + "\n" + table)):x16}";

    [GeneratedRegex(@"^# mortalhil (?<kind>\S+) csv version (?<version>\d{1,9}) checksum (?<checksum>xxh64:[0-9a-f]{16})$", RegexOptions.CultureInvariant)]
    private static partial Regex StampLine();
}

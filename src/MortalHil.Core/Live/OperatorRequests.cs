using System.Text.RegularExpressions;

namespace MortalHil.Core.Live;

/// <summary>
/// Requests an operator makes from a dashboard to a running command, as one small file per request in the live
/// folder's <c>requests/</c> (for example <c>handover--sim_reram--44.request</c>). A run that watches the board takes
/// (deletes) the file when it acts on it, so a request is honoured once.
/// </summary>
public static partial class OperatorRequests
{
    /// <summary>"Hand this board over now", honoured by the health watch of the run that watches the board.</summary>
    public const string Handover = "handover";

    /// <summary>Board kinds and serials a request may name: letters, digits and <c>._-/#:</c>, at most 64 characters.</summary>
    public static bool IsValidName(string s) => s.Length is > 0 and <= 64 && NamePattern().IsMatch(s);

    /// <summary>The request's file name; names are checked, then characters outside [A-Za-z0-9._-] become '_'.</summary>
    public static string FileName(string action, string boardKind, string serial)
    {
        if (!IsValidName(boardKind) || !IsValidName(serial)) throw new ArgumentException("board kind or serial has characters a request cannot name");
        return $"{action}--{Safe(boardKind)}--{Safe(serial)}.request";
    }

    /// <summary>Writes a request (atomically); returns its path.</summary>
    public static string Write(string requestsDirectory, string action, string boardKind, string serial, string detail)
    {
        Directory.CreateDirectory(requestsDirectory);
        var path = Path.Combine(requestsDirectory, FileName(action, boardKind, serial));
        var temp = path + $".tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, detail);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>True when the request existed and this caller took it.</summary>
    public static bool TryTake(string requestsDirectory, string action, string boardKind, string serial)
    {
        if (!IsValidName(boardKind) || !IsValidName(serial)) return false;
        var path = Path.Combine(requestsDirectory, FileName(action, boardKind, serial));
        if (!File.Exists(path)) return false;
        // A rename is atomic: of two runs racing for the same request, one gets it.
        var taken = path + $".taken-{Environment.ProcessId}-{Environment.CurrentManagedThreadId}";
        try
        {
            File.Move(path, taken);
        }
        catch (IOException)
        {
            return false;
        }
        File.Delete(taken);
        return true;
    }

    private static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());

    [GeneratedRegex("^[A-Za-z0-9._/#:-]+$")]
    private static partial Regex NamePattern();
}

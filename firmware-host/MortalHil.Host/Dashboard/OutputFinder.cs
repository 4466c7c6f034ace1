namespace MortalHil.Host.Dashboard;

/// <summary>Finds stress outputs and handover journals under the allowed folders (a few levels deep, a bounded number).</summary>
public static class OutputFinder
{
    public const int MaxDepth = 4, MaxResults = 500;

    public static IReadOnlyList<string> StressDirectories(AllowedPaths roots) =>
        Walk(roots).Where(f => Path.GetFileName(f) == "stress.json").Select(f => Path.GetDirectoryName(f)!).Take(MaxResults).ToList();

    public static IReadOnlyList<string> Journals(AllowedPaths roots) =>
        Walk(roots).Where(f => f.EndsWith(".db", StringComparison.Ordinal) && JournalSummaryReader.IsJournal(f)).Take(MaxResults).ToList();

    private static IEnumerable<string> Walk(AllowedPaths roots)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = MaxDepth, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var root in roots.Roots)
        {
            if (!Directory.Exists(root)) continue;
            foreach (var f in Directory.EnumerateFiles(root, "*", options).Take(20_000)) yield return f;
        }
    }
}

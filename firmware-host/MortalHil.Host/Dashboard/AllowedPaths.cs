namespace MortalHil.Host.Dashboard;

/// <summary>A path from a URL that the dashboard refuses to open.</summary>
public sealed class PathRefusedException(string message) : Exception(message);

/// <summary>
/// The folders given on the command line, and the only places a path from a URL may lead. A path is taken relative to
/// each folder (or as absolute), every symbolic link in it is followed, and the real path must lie inside one of the
/// folders; otherwise it is refused. So <c>../</c>, absolute paths elsewhere and links pointing out all fail alike.
/// </summary>
public sealed class AllowedPaths
{
    public const int MaxLength = 1024;
    private readonly string[] _roots;

    public AllowedPaths(IEnumerable<string> roots)
    {
        _roots = roots.Select(r => RealPath(Path.GetFullPath(r))).Distinct(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<string> Roots => _roots;

    /// <summary>The real path of an existing directory or file named by <paramref name="input"/>, inside a root.</summary>
    public string Resolve(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) throw new PathRefusedException("a path is required");
        if (input.Length > MaxLength || input.Contains('\0')) throw new PathRefusedException("the path is too long or has a NUL character");
        if (_roots.Length == 0) throw new PathRefusedException("no directories were given with --dir, so no path can be opened");
        foreach (var root in _roots)
        {
            var real = RealPath(Path.GetFullPath(Path.IsPathRooted(input) ? input : Path.Combine(root, input)));
            if (!Inside(real)) continue;
            if (Directory.Exists(real) || File.Exists(real)) return real;
        }
        throw new PathRefusedException($"path '{input}' is outside the directories given with --dir, or does not exist");
    }

    /// <summary>True when <paramref name="realPath"/> is a root or lies below one.</summary>
    public bool Inside(string realPath) =>
        _roots.Any(r => realPath == r || realPath.StartsWith(r.EndsWith(Path.DirectorySeparatorChar) ? r : r + Path.DirectorySeparatorChar, StringComparison.Ordinal));

    /// <summary>The path with every symbolic link along it replaced by its final target (like realpath(3)).</summary>
    public static string RealPath(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "/";
        var current = root;
        foreach (var part in fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                next = RealPath(Path.GetFullPath(target.FullName));
            current = next;
        }
        return current;
    }
}

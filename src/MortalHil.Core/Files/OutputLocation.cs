namespace MortalHil.Core.Files;

/// <summary>
/// Checks, before any work starts, that results can be written where the user asked: the folder exists or can be
/// created, and a file can be created in it and removed again. A command that trains for an hour must not learn
/// only at the end that its output path is a file, read-only or on a full disk.
/// </summary>
public static class OutputLocation
{
    /// <summary>Creates <paramref name="directory"/> if needed and proves it writable; returns its full path.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="what">What the path is, as the user knows it (an option name), for the error.</param>
    public static string PrepareDirectory(string directory, string what)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw new ArgumentException($"{what} needs a folder name (got an empty value)");
        string full;
        try { full = Path.GetFullPath(directory); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{what} '{directory}' is not a usable path: {e.Message}");
        }
        if (File.Exists(full)) throw new ArgumentException($"{what} {full} is a file; it must be a folder");
        try { Directory.CreateDirectory(full); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessFailedException(full, $"{what}: cannot create the folder: {e.Message}", e);
        }
        Probe(full, what);
        return full;
    }

    /// <summary>Proves a file can be written at <paramref name="file"/> (its folder created if needed), without touching an existing file; returns its full path.</summary>
    public static string PrepareFile(string file, string what)
    {
        if (string.IsNullOrWhiteSpace(file)) throw new ArgumentException($"{what} needs a file name (got an empty value)");
        string full;
        try { full = Path.GetFullPath(file); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{what} '{file}' is not a usable path: {e.Message}");
        }
        if (Directory.Exists(full) || file.EndsWith('/') || file.EndsWith(Path.DirectorySeparatorChar))
            throw new ArgumentException($"{what} {full} is a folder; it must be a file name");
        var dir = Path.GetDirectoryName(full)!;
        if (File.Exists(dir)) throw new ArgumentException($"{what} {full}: {dir} is a file, not a folder");
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessFailedException(full, $"{what}: cannot create its folder: {e.Message}", e);
        }
        Probe(dir, what);
        if (File.Exists(full))
        {
            try { using var _ = new FileStream(full, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileAccessFailedException(full, $"{what}: the existing file cannot be replaced: {e.Message}", e);
            }
        }
        return full;
    }

    private static void Probe(string dir, string what)
    {
        var probe = Path.Combine(dir, $".mortalhil-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var s = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
                s.WriteByte(0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessFailedException(dir, $"{what}: the folder is not writable: {e.Message}", e);
        }
    }
}

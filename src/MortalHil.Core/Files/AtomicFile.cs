namespace MortalHil.Core.Files;

/// <summary>
/// Writes a file so that readers see either the old content or the whole new content, never a part: the bytes go
/// to a temporary file beside the target (same directory, so the rename stays on one file system), are flushed to
/// disk, and the temporary file is renamed over the target. A failure leaves the target untouched and removes the
/// temporary file; it is reported as a <see cref="FileAccessFailedException"/> naming the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes what <paramref name="write"/> puts into the stream to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = CheckedTarget(path);
        var name = Path.GetFileName(full);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{name[..Math.Min(name.Length, 200)]}.{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            if (e is FileAccessFailedException) throw;
            throw new FileAccessFailedException(full, $"cannot write: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    private static string CheckedTarget(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new FileAccessFailedException("(empty path)", "an output file needs a name");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new FileAccessFailedException(path, $"not a usable file name: {e.Message}");
        }
        if (Directory.Exists(full)) throw new FileAccessFailedException(full, "is a directory, not a file");
        var dir = Path.GetDirectoryName(full)!;
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessFailedException(full, $"cannot create its folder: {e.Message}", e);
        }
        return full;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}

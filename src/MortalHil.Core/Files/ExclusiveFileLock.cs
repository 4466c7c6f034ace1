using System.Globalization;

namespace MortalHil.Core.Files;

/// <summary>
/// An exclusive lock on a file that belongs to one process at a time (a handover journal): a lock file beside it
/// (<c>FILE.lock</c>), held open with <see cref="FileShare.None"/> (an advisory <c>flock</c> on Linux, released by
/// the kernel when the process dies, so a killed run never leaves a stale lock). The holder writes who it is into
/// <c>FILE.lock.holder</c> (the lock file itself cannot be read while locked); a second process is refused with a
/// <see cref="FileLockedException"/> that names it.
/// </summary>
public sealed class ExclusiveFileLock : IDisposable
{
    private readonly FileStream _stream;

    private ExclusiveFileLock(FileStream stream, string path)
    {
        _stream = stream;
        LockPath = path;
    }

    /// <summary>The lock file.</summary>
    public string LockPath { get; }

    /// <summary>Takes the lock of <paramref name="file"/> or throws <see cref="FileLockedException"/> naming the holder.</summary>
    public static ExclusiveFileLock Acquire(string file)
    {
        var lockPath = file + ".lock";
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException && File.Exists(lockPath))
        {
            throw new FileLockedException(file, Holder(lockPath));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new FileAccessFailedException(lockPath, $"cannot create the lock file: {e.Message}", e);
        }
        try
        {
            var me = string.Create(CultureInfo.InvariantCulture, $"process {Environment.ProcessId} on {Environment.MachineName}, since {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
            File.WriteAllText(lockPath + ".holder", me);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* who holds it is a courtesy; the lock itself is taken */ }
        return new ExclusiveFileLock(stream, lockPath);
    }

    private static string Holder(string lockPath)
    {
        try
        {
            var text = File.ReadAllText(lockPath + ".holder").Trim();
            return text.Length > 0 ? text : "another process";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "another process";
        }
    }

    public void Dispose()
    {
        try { File.Delete(LockPath + ".holder"); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _stream.Dispose();
    }
}

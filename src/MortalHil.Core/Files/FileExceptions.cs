namespace MortalHil.Core.Files;

/// <summary>A file we read that is damaged or is not what it claims to be (bad checksum, wrong version, trailing bytes); the message names the file.</summary>
public sealed class CorruptFileException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}", inner)
{
    /// <summary>The damaged file.</summary>
    public string FilePath { get; } = path;
}

/// <summary>A file that could not be written, read or created (permissions, disk full, a directory in its place); the message names the file.</summary>
public sealed class FileAccessFailedException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}", inner)
{
    /// <summary>The file.</summary>
    public string FilePath { get; } = path;
}

/// <summary>A journal or store held by another process; the message names the file and the holder.</summary>
public sealed class FileLockedException(string path, string holder)
    : IOException($"{path} is in use by {holder}; wait for it to finish or use another file")
{
    /// <summary>The locked file.</summary>
    public string FilePath { get; } = path;
}

/// <summary>A file that would be larger than the stated limit (after decompression, or before it is allocated); the message names the file and the limit.</summary>
public sealed class FileTooLargeException(string path, string problem)
    : IOException($"{path}: {problem}")
{
    /// <summary>The file.</summary>
    public string FilePath { get; } = path;
}

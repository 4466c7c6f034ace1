using System.Buffers.Binary;

namespace MortalHil.Core.Files;

/// <summary>
/// A count of the steps a database has committed, kept in a small file beside it (<c>FILE.steps</c>) and updated
/// after every commit. The database is the truth; this counter is a witness outside it: when the database holds
/// fewer steps than the witness saw committed, part of it was lost (its write-ahead log deleted or rolled back),
/// and resuming from it would silently redo and re-ask what was already done and reported.
/// </summary>
public sealed class CommitCounter : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _buffer = new byte[8];

    private CommitCounter(FileStream stream, string path, long value)
    {
        _stream = stream;
        WitnessPath = path;
        Value = value;
    }

    /// <summary>The witness file.</summary>
    public string WitnessPath { get; }

    /// <summary>Steps committed as far as the witness knows.</summary>
    public long Value { get; private set; }

    /// <summary>Opens (or creates, at zero) the witness of <paramref name="file"/>.</summary>
    public static CommitCounter Open(string file)
    {
        var path = file + ".steps";
        FileStream stream;
        try { stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessFailedException(path, $"cannot open the commit counter: {e.Message}", e);
        }
        var buffer = new byte[8];
        int n = stream.Read(buffer);
        long value = n == 8 ? BinaryPrimitives.ReadInt64LittleEndian(buffer) : 0;
        if (value < 0) value = 0;
        return new CommitCounter(stream, path, value);
    }

    /// <summary>Records that the database now holds <paramref name="steps"/> committed steps.</summary>
    public void Record(long steps)
    {
        if (steps <= Value) return;
        Value = steps;
        BinaryPrimitives.WriteInt64LittleEndian(_buffer, steps);
        _stream.Position = 0;
        _stream.Write(_buffer);
        _stream.Flush(); // to the kernel: survives the process being killed (a power loss can take the database's last commits too)
    }

    /// <summary>Starts the count again (a new database in this place).</summary>
    public void Reset()
    {
        Value = 0;
        _stream.SetLength(0);
        _stream.Flush();
    }

    public void Dispose() => _stream.Dispose();
}

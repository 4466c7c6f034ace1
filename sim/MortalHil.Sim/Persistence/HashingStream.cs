using System.IO.Hashing;

namespace MortalHil.Sim.Persistence;

/// <summary>
/// Passes bytes through to (or from) an inner stream and hashes every byte that passes, so a board file's checksum
/// is computed while it is written or read, without a second copy of a file that can be tens of megabytes.
/// </summary>
internal sealed class HashingStream(Stream inner, bool writing) : Stream
{
    private readonly XxHash64 _hash = new();
    private bool _paused;

    /// <summary>Bytes that have passed.</summary>
    public long Count { get; private set; }

    /// <summary>The hash of the bytes so far.</summary>
    public ulong Hash => _hash.GetCurrentHashAsUInt64();

    /// <summary>Stops hashing (for the checksum itself).</summary>
    public void Pause() => _paused = true;

    public override bool CanRead => !writing;
    public override bool CanWrite => writing;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Count; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (!_paused) _hash.Append(buffer[..n]);
        Count += n;
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        if (!_paused) _hash.Append(buffer);
        Count += buffer.Length;
    }

    public override void Flush() => inner.Flush();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

namespace MortalHil.Hardware.Protocol;

/// <summary>
/// Cuts a byte stream into COBS blocks at 0x00 delimiters. Garbage on the line costs at most the
/// frame it lands in: an over-long block is dropped and reading resumes at the next delimiter.
/// </summary>
public sealed class FrameSplitter
{
    private readonly int _maxBlock;
    private byte[] _buffer;
    private int _length;
    private bool _overflowed;

    /// <summary>Creates a splitter that accepts blocks up to <paramref name="maxBlock"/> bytes.</summary>
    public FrameSplitter(int maxBlock = -1)
    {
        _maxBlock = maxBlock > 0 ? maxBlock : ProtocolConstants.MaxEncodedFrame;
        _buffer = new byte[Math.Min(_maxBlock, 4096)]; // grows on demand up to the limit
    }

    /// <summary>Blocks dropped because they grew past the size limit before a delimiter came.</summary>
    public long OverflowedBlocks { get; private set; }

    /// <summary>Feeds received bytes; calls <paramref name="onBlock"/> for every complete non-empty block.</summary>
    public void Feed(ReadOnlySpan<byte> data, Action<ReadOnlySpan<byte>> onBlock)
    {
        while (!data.IsEmpty)
        {
            int zero = data.IndexOf((byte)0);
            var chunk = zero < 0 ? data : data[..zero];
            if (!_overflowed)
            {
                if (_length + chunk.Length > _maxBlock)
                {
                    _overflowed = true;
                    _length = 0;
                    OverflowedBlocks++;
                }
                else
                {
                    if (_length + chunk.Length > _buffer.Length)
                        Array.Resize(ref _buffer, Math.Min(_maxBlock, Math.Max(2 * _buffer.Length, _length + chunk.Length)));
                    chunk.CopyTo(_buffer.AsSpan(_length));
                    _length += chunk.Length;
                }
            }
            if (zero < 0) return;
            if (!_overflowed && _length > 0) onBlock(_buffer.AsSpan(0, _length));
            _length = 0;
            _overflowed = false;
            data = data[(zero + 1)..];
        }
    }

    /// <summary>True while part of a block has arrived and its closing delimiter has not.</summary>
    public bool HasPartialBlock => _length > 0 || _overflowed;

    /// <summary>Blocks forgotten unfinished because the line went quiet (<see cref="DiscardPartialBlock"/>).</summary>
    public long AbandonedBlocks { get; private set; }

    /// <summary>
    /// Throws away a partly received block, as a receiver does after a second of silence (PROTOCOL.md §1):
    /// the bytes that come next start a new block instead of being glued to a stale head. Returns
    /// whether there was anything to throw away.
    /// </summary>
    public bool DiscardPartialBlock()
    {
        if (!HasPartialBlock) return false;
        AbandonedBlocks++;
        Reset();
        return true;
    }

    /// <summary>Forgets a partly received block (after a reconnect).</summary>
    public void Reset()
    {
        _length = 0;
        _overflowed = false;
    }
}

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

    /// <summary>Forgets a partly received block (after a reconnect).</summary>
    public void Reset()
    {
        _length = 0;
        _overflowed = false;
    }
}

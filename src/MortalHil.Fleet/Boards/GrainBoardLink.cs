using MortalHil.Hardware.Serial;

namespace MortalHil.Fleet.Boards;

/// <summary>
/// The host end of the fleet's board link: a byte stream whose frames travel to the board's node as <see cref="IBoardGrain.Exchange"/>
/// calls, so a <see cref="SerialBoard"/> drives a board on another silo as it drives one on a serial line. A call lost
/// with a silo is a frame lost on the line: the host's timeout resends it, and the board's node answers a repeat from its
/// receipts, never applying a pulse twice.
/// </summary>
public sealed class GrainBoardLink(IGrainFactory grains, string boardKey, TimeSpan? callBound = null) : ILinkConnector
{
    private readonly TimeSpan _bound = callBound ?? TimeSpan.FromSeconds(30);

    public string Name => $"fleet:{boardKey}";

    public Stream Connect() => new LinkStream(grains.GetGrain<IBoardGrain>(boardKey), _bound);

    /// <summary>Opens the board <paramref name="boardKey"/> (NODE/SERIAL) through the fleet, with timeouts for a busy machine.</summary>
    public static SerialBoard Open(IGrainFactory grains, string boardKey) => new(new GrainBoardLink(grains, boardKey), Options);

    /// <summary>Patient: a call crosses silos on a machine that may be loaded, and a silo may die under it.</summary>
    public static SerialBoardOptions Options { get; } = new()
    {
        ResponseTimeout = TimeSpan.FromSeconds(5),
        MaxRetries = 6,
        ReconnectWindow = TimeSpan.FromSeconds(30),
        ReconnectInterval = TimeSpan.FromMilliseconds(500),
    };

    private sealed class LinkStream(IBoardGrain board, TimeSpan bound) : Stream
    {
        private readonly MemoryStream _outgoing = new();
        private readonly Queue<byte[]> _answers = new();
        private int _answerOffset;
        private bool _closed;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int ReadTimeout { get; set; } = 200;
        public override bool CanTimeout => true;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            lock (_answers) if (_closed) throw new IOException("board link closed");
            _outgoing.Write(buffer);
        }

        /// <summary>Sends every complete frame written so far (a frame ends with its 0x00 delimiter).</summary>
        public override void Flush()
        {
            var bytes = _outgoing.GetBuffer().AsSpan(0, (int)_outgoing.Length);
            int end = bytes.LastIndexOf((byte)0);
            if (end < 0) return;
            var frames = bytes[..(end + 1)].ToArray();
            var rest = bytes[(end + 1)..].ToArray();
            _outgoing.SetLength(0);
            _outgoing.Write(rest);
            _ = Send(frames);
        }

        private async Task Send(byte[] frames)
        {
            try
            {
                var answer = await board.Exchange(frames).WaitAsync(bound).ConfigureAwait(false);
                if (answer.Length == 0) return;
                lock (_answers)
                {
                    _answers.Enqueue(answer);
                    Monitor.PulseAll(_answers);
                }
            }
            catch (Exception)
            {
                // Lost on the way (a silo died, the node is gone, the call timed out): as a frame lost on a serial line,
                // the host's own timeout resends it.
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            lock (_answers)
            {
                var until = DateTime.UtcNow + TimeSpan.FromMilliseconds(ReadTimeout);
                while (_answers.Count == 0)
                {
                    if (_closed) return 0;
                    var left = until - DateTime.UtcNow;
                    if (left <= TimeSpan.Zero) throw new TimeoutException("no answer from the board's node yet");
                    Monitor.Wait(_answers, left);
                }
                var head = _answers.Peek();
                int n = Math.Min(buffer.Length, head.Length - _answerOffset);
                head.AsSpan(_answerOffset, n).CopyTo(buffer);
                _answerOffset += n;
                if (_answerOffset == head.Length)
                {
                    _answers.Dequeue();
                    _answerOffset = 0;
                }
                return n;
            }
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            lock (_answers)
            {
                _closed = true;
                Monitor.PulseAll(_answers);
            }
            base.Dispose(disposing);
        }
    }
}

using System.IO.Pipelines;
using MortalHil.Hardware.Serial;

namespace MortalHil.Hardware.Virtual;

/// <summary>
/// A full-duplex byte link inside one process: what the host writes the board reads and back.
/// <see cref="Connect"/> hands out a fresh pair of ends each time (a replugged cable), so a host
/// can be made to reconnect by <see cref="Unplug"/>.
/// </summary>
public sealed class InMemoryLink : ILinkConnector
{
    private readonly object _sync = new();
    private (DuplexStream Host, DuplexStream Board)? _current;
    private readonly Queue<Stream> _boardEnds = new();

    /// <summary>While false, <see cref="Connect"/> fails as if the port were missing.</summary>
    public bool Present { get; set; } = true;

    /// <inheritdoc/>
    public string Name { get; init; } = "memory";

    /// <summary>Connections made so far.</summary>
    public int Connections { get; private set; }

    /// <inheritdoc/>
    public Stream Connect()
    {
        lock (_sync)
        {
            if (!Present) throw new IOException($"{Name} is not present");
            // Inline schedulers: a reader wakes on the writer's thread, so the link never waits for
            // a thread-pool thread (tests run many links at once on two cores).
            var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
                pauseWriterThreshold: 0, useSynchronizationContext: false);
            var toBoard = new Pipe(options);
            var toHost = new Pipe(options);
            var host = new DuplexStream(toHost.Reader, toBoard.Writer);
            var board = new DuplexStream(toBoard.Reader, toHost.Writer);
            _current = (host, board);
            Connections++;
            _boardEnds.Enqueue(board);
            Monitor.PulseAll(_sync);
            return host;
        }
    }

    /// <summary>
    /// Blocks until the host connects and returns the board end of that connection (each once).
    /// Waits on a monitor, not on the thread pool, so it works however busy the pool is.
    /// </summary>
    public Stream Accept(CancellationToken cancel)
    {
        lock (_sync)
        {
            while (_boardEnds.Count == 0)
            {
                cancel.ThrowIfCancellationRequested();
                Monitor.Wait(_sync, 50);
            }
            return _boardEnds.Dequeue();
        }
    }

    /// <summary>Pulls the cable: both ends of the current connection see end of stream.</summary>
    public void Unplug()
    {
        lock (_sync)
        {
            if (_current is { } c)
            {
                c.Host.Dispose();
                c.Board.Dispose();
            }
            _current = null;
        }
    }

    /// <summary>One end of the link: reads one pipe, writes the other.</summary>
    private sealed class DuplexStream(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly Stream _in = reader.AsStream();
        private readonly Stream _out = writer.AsStream();
        private int _disposed;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => _out.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => _out.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => _in.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => _in.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _in.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _in.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => WriteCore(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => WriteCore(buffer);
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Volatile.Read(ref _disposed) != 0) throw new IOException("link unplugged");
            await _out.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void WriteCore(ReadOnlySpan<byte> data)
        {
            if (Volatile.Read(ref _disposed) != 0) throw new IOException("link unplugged");
            _out.Write(data);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                // Completing our writer gives the far end end-of-stream; cancelling our pending read
                // wakes a reader blocked on this end (it sees an OperationCanceledException).
                writer.Complete();
                reader.CancelPendingRead();
            }
            base.Dispose(disposing);
        }
    }
}

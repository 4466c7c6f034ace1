using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;

namespace MortalHil.Hardware.Virtual;

/// <summary>
/// A virtual board: serves any <see cref="IDevice"/> over the wire protocol on a byte stream (a
/// pseudo-terminal, a pipe, an in-memory link), optionally injecting link faults. The board's
/// memories (last answer, pulse receipts) live in the server, so they survive the host
/// disconnecting and reconnecting, as a real board's would.
/// </summary>
public sealed class BoardProtocolServer
{
    private readonly BoardRequestHandler _handler;
    private readonly LinkFaults _faults;
    private readonly Random _faultRandom;
    private readonly object _sync = new();
    private long _framesSent, _faultsInjected, _partialBlocksAbandoned;

    /// <summary>Silence after which a partly received block is thrown away (PROTOCOL.md §1).</summary>
    public static readonly TimeSpan PartialBlockTimeout = TimeSpan.FromSeconds(1);

    private readonly TimeProvider _clock;
    private long _answersDroppedByEndedLines;

    /// <param name="device">The device served.</param>
    /// <param name="faults">Link faults to inject.</param>
    /// <param name="maxPayload">The payload limit the board advertises.</param>
    /// <param name="clock">The board's own clock.</param>
    /// <param name="highestVersion">The highest protocol version the board speaks (1: as a board built before chains were on the wire).</param>
    public BoardProtocolServer(IDevice device, LinkFaults? faults = null, int maxPayload = ProtocolConstants.MaxPayload, TimeProvider? clock = null,
        byte highestVersion = ProtocolConstants.HighestVersion)
    {
        _faults = faults ?? LinkFaults.None;
        _faults.Validate();
        _faultRandom = new Random(_faults.Seed);
        _clock = clock ?? TimeProvider.System;
        _handler = new BoardRequestHandler(device, maxPayload, clock: _clock, highestVersion: highestVersion);
    }

    /// <summary>Counters so far.</summary>
    public BoardServerCounters Counters
    {
        get
        {
            lock (_sync)
                return new BoardServerCounters
                {
                    FramesReceived = _handler.FramesReceived,
                    BadFrames = _handler.BadFrames,
                    Replays = _handler.Replays,
                    DuplicatePulses = _handler.DuplicatePulses,
                    PulseCallsForwarded = _handler.PulseCallsForwarded,
                    FramesSent = _framesSent,
                    FaultsInjected = _faultsInjected,
                    AnswersDropped = _handler.AnswersDropped,
                    PartialBlocksAbandoned = _partialBlocksAbandoned,
                };
        }
    }

    /// <summary>
    /// Serves on the calling thread until the stream ends (read returns 0 or fails) or
    /// <paramref name="cancel"/> fires, which disposes the stream to wake the blocked read.
    /// One request is handled at a time, in arrival order.
    /// </summary>
    public void Serve(Stream stream, CancellationToken cancel)
    {
        try { ServeLine(stream, cancel); }
        finally
        {
            if (stream is IDroppedAnswerCounter ended)
                lock (_sync)
                {
                    _answersDroppedByEndedLines += ended.DroppedAnswers;
                    _handler.AnswersDropped = _answersDroppedByEndedLines;
                }
        }
    }

    private void ServeLine(Stream stream, CancellationToken cancel)
    {
        using var wake = cancel.Register(() =>
        {
            try { stream.Dispose(); } catch (Exception e) when (e is IOException or InvalidOperationException) { }
        });
        // One block limit, in encoded bytes, from the board's own payload limit (PROTOCOL.md §1): a
        // longer block is dropped whatever its content.
        var splitter = new FrameSplitter(ProtocolConstants.MaxBlockFor(_handler.MaxPayload));
        var buffer = new byte[64 * 1024];
        long overflowSeen = 0;
        long lastByteAt = _clock.GetTimestamp();
        var lossy = stream as IDroppedAnswerCounter;
        var outgoing = new List<byte[]>();
        while (!cancel.IsCancellationRequested)
        {
            int n;
            try { n = stream.Read(buffer, 0, buffer.Length); }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }
            if (n == 0) return;
            outgoing.Clear();
            long now = _clock.GetTimestamp();
            lock (_sync)
            {
                // A partial block followed by a second of silence is stale: drop it before these bytes join it.
                if (_clock.GetElapsedTime(lastByteAt, now) >= PartialBlockTimeout && splitter.DiscardPartialBlock())
                {
                    _partialBlocksAbandoned++;
                    _handler.NoteBadFrame();
                }
                lastByteAt = now;
                if (lossy is not null) _handler.AnswersDropped = _answersDroppedByEndedLines + lossy.DroppedAnswers;
                splitter.Feed(buffer.AsSpan(0, n), block => HandleIncoming(block, outgoing));
                // Over-long garbage was dropped by the splitter (which resynchronises at the next 0x00): a bad frame too.
                for (long overflow = splitter.OverflowedBlocks; overflowSeen < overflow; overflowSeen++) _handler.NoteBadFrame();
            }
            foreach (var frame in outgoing)
            {
                if (_faults.Delay > TimeSpan.Zero && cancel.WaitHandle.WaitOne(_faults.Delay)) return;
                try
                {
                    stream.Write(frame);
                    stream.Flush();
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
                {
                    return;
                }
                Interlocked.Increment(ref _framesSent);
            }
        }
    }

    /// <summary>Runs <see cref="Serve"/> on a dedicated thread.</summary>
    public Task ServeAsync(Stream stream, CancellationToken cancel)
        => Task.Factory.StartNew(() => Serve(stream, cancel), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Serves every connection made on <paramref name="link"/>, one after another, until cancelled (on a dedicated thread).</summary>
    public Task ServeConnectionsAsync(InMemoryLink link, CancellationToken cancel)
        => Task.Factory.StartNew(() =>
        {
            while (!cancel.IsCancellationRequested)
            {
                Stream stream;
                try { stream = link.Accept(cancel); }
                catch (OperationCanceledException) { return; }
                Serve(stream, cancel);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void HandleIncoming(ReadOnlySpan<byte> block, List<byte[]> outgoing)
    {
        int copies = 1;
        byte[]? corrupted = null;
        if (_faults.Any)
        {
            if (Roll(_faults.DropRate)) return;
            if (Roll(_faults.CorruptRate)) corrupted = Corrupt(block);
            if (Roll(_faults.DuplicateRate)) copies = 2;
        }
        for (int c = 0; c < copies; c++)
        {
            var answer = _handler.Handle(corrupted ?? block);
            if (answer is not null) Send(answer, outgoing);
        }
    }

    private void Send(byte[] frame, List<byte[]> outgoing)
    {
        if (_faults.Any)
        {
            if (Roll(_faults.DropRate)) return;
            if (Roll(_faults.CorruptRate)) frame = CorruptWire(frame);
            if (Roll(_faults.DuplicateRate)) outgoing.Add(frame);
        }
        outgoing.Add(frame);
    }

    private bool Roll(double rate)
    {
        if (rate <= 0 || _faultRandom.NextDouble() >= rate) return false;
        _faultsInjected++;
        return true;
    }

    private byte[] Corrupt(ReadOnlySpan<byte> block)
    {
        var copy = block.ToArray();
        int i = _faultRandom.Next(copy.Length);
        copy[i] = (byte)(copy[i] ^ (byte)_faultRandom.Next(1, 256));
        return copy;
    }

    /// <summary>Corrupts an encoded frame but keeps its delimiters, like noise on the line.</summary>
    private byte[] CorruptWire(byte[] frame)
    {
        var copy = (byte[])frame.Clone();
        int i = 1 + _faultRandom.Next(copy.Length - 2);
        copy[i] = (byte)(copy[i] ^ (byte)_faultRandom.Next(1, 256));
        return copy;
    }
}

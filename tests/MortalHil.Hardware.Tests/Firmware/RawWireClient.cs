using System.Collections.Concurrent;
using MortalHil.Hardware.Protocol;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>
/// Speaks the wire protocol byte by byte, without the host driver's checks or retries, so tests can
/// send a board exactly the frames they mean (malformed ones included) and see exactly its answer.
/// A background thread cuts what the board sends into blocks.
/// </summary>
internal sealed class RawWireClient : IDisposable
{
    private readonly Stream _stream;
    private readonly BlockingCollection<byte[]> _blocks = new();
    private readonly Thread _reader;
    private volatile bool _stopped;

    /// <summary>While set, nothing is read from the line (a host that stopped reading).</summary>
    public volatile bool Paused;

    public RawWireClient(Stream stream)
    {
        _stream = stream;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "raw-wire-reader" };
        _reader.Start();
    }

    private void ReadLoop()
    {
        var splitter = new FrameSplitter();
        var buffer = new byte[8192];
        while (!_stopped)
        {
            if (Paused) { Thread.Sleep(10); continue; }
            int n;
            try { n = _stream.Read(buffer, 0, buffer.Length); }
            catch (TimeoutException) { continue; }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { break; }
            if (n == 0) break;
            splitter.Feed(buffer.AsSpan(0, n), block => _blocks.Add(block.ToArray()));
        }
        _blocks.CompleteAdding();
    }

    /// <summary>Writes raw bytes.</summary>
    public void Send(ReadOnlySpan<byte> bytes)
    {
        _stream.Write(bytes);
        _stream.Flush();
    }

    /// <summary>The next answer frame, or null if none comes within <paramref name="timeout"/>.</summary>
    public Frame? Receive(TimeSpan timeout)
    {
        if (!_blocks.TryTake(out var block, timeout)) return null;
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(block, out var frame, out _));
        return frame;
    }

    /// <summary>Sends a request frame and returns its answer (fails the test if none comes).</summary>
    public Frame Exchange(ProtocolCommand command, uint sequence, byte[] payload, FrameFlags flags = FrameFlags.None)
        => ExchangeWire(FrameCodec.Encode(command, flags, sequence, payload));

    public Frame ExchangeWire(byte[] wire)
    {
        Send(wire);
        return Receive(TimeSpan.FromSeconds(10)) ?? throw new Xunit.Sdk.XunitException("the board did not answer within 10 s");
    }

    /// <summary>Receives until the answer to <paramref name="sequence"/> comes (skipping older answers).</summary>
    public Frame ReceiveAnswerTo(uint sequence)
    {
        while (true)
        {
            if (!_blocks.TryTake(out var block, TimeSpan.FromSeconds(5)))
                throw new Xunit.Sdk.XunitException($"no answer to sequence {sequence} within 5 s");
            // Blocks broken by a dropped answer are skipped, as the host's CRC check would.
            if (FrameCodec.TryParse(block, out var f, out _) == FrameParseError.None && f!.Header.Sequence == sequence) return f;
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _stream.Dispose();
        _reader.Join(TimeSpan.FromSeconds(2));
    }
}

using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Virtual;

/// <summary>Random and mutated input into the decoder and the virtual board: no crash, no hang, no pulse from a corrupt frame.</summary>
public class FuzzTests
{
    private static byte[] ValidPulseFrame(Random rng, uint seq)
    {
        var w = new CrossbarWindow(rng.Next(2), 0, 1 + rng.Next(8), 0, 1 + rng.Next(6));
        var counts = Enumerable.Range(0, w.CellCount).Select(_ => (short)rng.Next(-3, 4)).ToArray();
        counts[0] = 1; // never an empty request
        return rng.Next(2) == 0
            ? FrameCodec.Encode(ProtocolCommand.PulseCells, FrameFlags.None, seq, PulseMessages.EncodeCells(new PulseRequest((ulong)rng.NextInt64(1, long.MaxValue), 1.5f, 1e-6f), 0, 1, w, counts))
            : FrameCodec.Encode(ProtocolCommand.PulseOuterProduct, FrameFlags.None, seq, PulseMessages.EncodeOuter(new PulseRequest((ulong)rng.NextInt64(1, long.MaxValue), 1.5f, 1e-6f), w,
                new OuterProductTrains(8, Enumerable.Repeat(0xFFUL, w.RowCount).ToArray(), Enumerable.Repeat((sbyte)1, w.RowCount).ToArray(),
                    Enumerable.Repeat(0xFFUL, w.ColumnCount).ToArray(), Enumerable.Repeat((sbyte)1, w.ColumnCount).ToArray())));
    }

    /// <summary>A mutation that really differs from the frame (two flips of one bit would restore it).</summary>
    private static byte[] Mutate(byte[] wire, Random rng)
    {
        while (true)
        {
            var m = MutateOnce(wire, rng);
            if (!m.AsSpan().SequenceEqual(wire)) return m;
        }
    }

    private static byte[] MutateOnce(byte[] wire, Random rng)
    {
        var m = (byte[])wire.Clone();
        switch (rng.Next(4))
        {
            case 0: // flip bits
                for (int k = 1 + rng.Next(3); k > 0; k--) m[1 + rng.Next(m.Length - 2)] ^= (byte)(1 << rng.Next(8));
                return m;
            case 1: // replace a byte
                int i = 1 + rng.Next(m.Length - 2);
                m[i] = (byte)(m[i] ^ rng.Next(1, 256));
                return m;
            case 2: // truncate
                var t = m[..(2 + rng.Next(m.Length - 3))];
                t[^1] = 0;
                return t;
            default: // insert a random byte
                int at = 1 + rng.Next(m.Length - 2);
                return m[..at].Append((byte)rng.Next(1, 256)).Concat(m[at..]).ToArray();
        }
    }

    [Fact]
    public void The_decoder_never_throws_and_never_accepts_a_mutated_frame()
    {
        var rng = new Random(21);
        for (int k = 0; k < 20_000; k++)
        {
            var random = new byte[rng.Next(0, 300)];
            rng.NextBytes(random);
            Assert.NotEqual(FrameParseError.None, FrameCodec.TryParse(random, out _, out _));

            var valid = ValidPulseFrame(rng, (uint)k);
            var mutated = Mutate(valid, rng);
            var splitter = new FrameSplitter(4096);
            splitter.Feed(mutated, block =>
            {
                var r = FrameCodec.TryParse(block, out var frame, out _);
                Assert.True(r != FrameParseError.None, $"mutation {k} was accepted as a frame");
            });
        }
    }

    [Fact]
    public void The_virtual_board_survives_random_and_mutated_input_without_applying_a_pulse()
    {
        var device = new IdealCrossbarFake();
        var h = new BoardRequestHandler(device);
        var rng = new Random(22);
        var splitter = new FrameSplitter(8192);
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (int k = 0; k < 10_000; k++)
        {
            byte[] input;
            if (k % 2 == 0)
            {
                input = new byte[rng.Next(1, 400)];
                rng.NextBytes(input);
            }
            else input = Mutate(ValidPulseFrame(rng, (uint)k), rng);
            splitter.Feed(input, block => h.Handle(block));
        }
        Assert.Equal(0, device.PulseApplications);
        Assert.True(h.BadFrames > 5000);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20));
        // And it still works afterwards.
        var ok = FrameCodec.Encode(ProtocolCommand.Health, FrameFlags.None, 1, []);
        Assert.NotNull(h.Handle(ok.AsSpan(1, ok.Length - 2)));
    }

    [Fact]
    public void Well_formed_frames_with_hostile_payloads_are_refused_not_executed()
    {
        var device = new IdealCrossbarFake();
        var h = new BoardRequestHandler(device);
        var rng = new Random(23);
        foreach (var command in Enum.GetValues<ProtocolCommand>())
            for (int k = 0; k < 2000; k++)
            {
                var payload = new byte[rng.Next(0, 200)];
                rng.NextBytes(payload);
                if (command is ProtocolCommand.PulseCells or ProtocolCommand.PulseOuterProduct && payload.Length >= 30)
                {
                    // make the id non-zero and the window plausible so the deeper checks are exercised
                    payload[0] |= 1;
                    payload[20 - (command == ProtocolCommand.PulseOuterProduct ? 4 : 0)] = (byte)rng.Next(3);
                }
                var wire = FrameCodec.Encode(command, FrameFlags.None, (uint)(k + 1), payload);
                h.Handle(wire.AsSpan(1, wire.Length - 2));
            }
        // A random payload that happened to be a valid, in-limit request is legitimate; none must be
        // applied from a payload that failed its layout or limits. The fake counts only real applications.
        Assert.True(device.PulseApplications <= 5, $"{device.PulseApplications} random payloads were applied");
    }

    [Fact]
    public async Task The_server_on_a_stream_resynchronises_after_garbage_and_stays_bounded()
    {
        var device = new IdealCrossbarFake();
        var link = new InMemoryLink();
        var server = new BoardProtocolServer(device);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var serving = server.ServeConnectionsAsync(link, stop.Token);
        var host = link.Connect();
        var rng = new Random(24);
        var garbage = new byte[3 * ProtocolConstants.MaxEncodedFrame]; // longer than any frame: exercises overflow
        rng.NextBytes(garbage);
        for (int i = 0; i < garbage.Length; i += 4096) garbage[i] = (byte)(garbage[i] | 1); // no delimiters at all
        await host.WriteAsync(garbage);
        var ping = FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.None, 3, [1, 2, 3]);
        await host.WriteAsync(ping);
        var splitter = new FrameSplitter();
        Frame? reply = null;
        var buffer = new byte[4096];
        while (reply is null)
        {
            int n = await host.ReadAsync(buffer, stop.Token);
            Assert.True(n > 0);
            splitter.Feed(buffer.AsSpan(0, n), b =>
            {
                if (FrameCodec.TryParse(b, out var f, out _) == FrameParseError.None && f!.Header.Sequence == 3) reply = f;
            });
        }
        Assert.Equal(new byte[] { 1, 2, 3 }, reply.Payload);
        Assert.True(server.Counters.BadFrames >= 1);
        Assert.Equal(0, device.PulseApplications);
        stop.Cancel();
        link.Unplug();
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

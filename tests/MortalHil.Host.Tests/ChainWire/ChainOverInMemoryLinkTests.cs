using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Virtual;
using MortalHil.Sim;

namespace MortalHil.Host.Tests.ChainWire;

/// <summary>Chain messages between the host's SerialBoard and the virtual board, in process (fast, deterministic faults).</summary>
public class ChainOverInMemoryLinkTests
{
    private static (float[] Volts, float[] Injection) Inputs(SimulatedBoard b, int batch, int repeats, int seed)
        => ChainWireBoards.Inputs(b.Description.AnalogChain!, b.Description.Limits.MaxReadVolts, batch, repeats, seed);

    private static (ulong[] Trains, sbyte[] Polarity) ColumnTrains(CrossbarWindow w, int slots, int seed)
    {
        var rng = new Random(seed);
        var trains = new ulong[w.ColumnCount];
        var polarity = new sbyte[w.ColumnCount];
        for (int c = 0; c < w.ColumnCount; c++)
        {
            for (int t = 0; t < slots; t++) if (rng.NextDouble() < 0.3) trains[c] |= 1UL << t;
            polarity[c] = (sbyte)(rng.Next(3) - 1);
        }
        return (trains, polarity);
    }

    private static float[] Conductances(IDevice d, CrossbarWindow w)
    {
        var g = new float[w.CellCount];
        d.MeasureConductances(w, g);
        return g;
    }

    [Fact]
    public void Latched_updates_whose_answers_are_lost_are_resent_and_applied_exactly_once()
    {
        using var served = ChainWireBoards.Create("7");
        using var reference = ChainWireBoards.Create("7");
        // A third of the frames in each direction lost, some corrupted: requests and answers both go missing.
        var faults = new LinkFaults { DropRate = 0.3, CorruptRate = 0.05, Seed = 11 };
        using var f = new InMemoryServedBoard(served, faults);
        var chain = reference.Description.AnalogChain!;
        var pulse = reference.Description.Capabilities;
        int slots = 16, updates = 0;
        for (int step = 0; step < 6; step++)
        {
            var (volts, _) = Inputs(reference, 4, 1, 100 + step);
            float[] a = new float[4 * chain.OutputCount], b = new float[4 * chain.OutputCount];
            reference.ReadChain(volts, 1, default, a, default);
            f.Board.ReadChain(volts, 1, default, b, default);
            Assert.Equal(a, b);
            for (int stage = 0; stage < chain.Stages.Count; stage++)
            for (int example = 0; example < 4; example += 3)
            {
                var (trains, polarity) = ColumnTrains(chain.Stages[stage].Window, slots, 1000 * step + 10 * stage + example);
                var request = new PulseRequest((ulong)(5000 + 100 * step + 10 * stage + example), (float)pulse.NominalPulseVoltage.Volts, (float)pulse.NominalPulseWidth.Seconds);
                var want = reference.ApplyLatchedOuterProduct(request, stage, example, 1f, slots, trains, polarity);
                var got = f.Board.ApplyLatchedOuterProduct(request, stage, example, 1f, slots, trains, polarity);
                Assert.Equal(want.PulsesApplied, got.PulsesApplied);
                Assert.False(got.Duplicate); // the host's own resends are not the caller's repeat
                updates++;
            }
        }
        var counters = f.Server.Counters;
        Assert.True(counters.Replays + counters.DuplicatePulses > 0, "no answer was lost: the test proved nothing");
        Assert.True(f.Board.LinkStatistics.Retries > 0);
        Assert.Equal(updates, counters.PulseCallsForwarded); // each update reached the board's device once
        Assert.Equal(reference.ReadHealth().TotalPulses, served.ReadHealth().TotalPulses);
        foreach (var st in chain.Stages) Assert.Equal(Conductances(reference, st.Window), Conductances(served, st.Window));

        // The caller repeating an update on purpose (same id, new frame) is told so and nothing is applied.
        var w0 = chain.Stages[0].Window;
        var (t0, p0) = ColumnTrains(w0, slots, 1);
        long before = served.ReadHealth().TotalPulses;
        var repeat = f.Board.ApplyLatchedOuterProduct(new PulseRequest(5000, (float)pulse.NominalPulseVoltage.Volts, (float)pulse.NominalPulseWidth.Seconds), 0, 0, 1f, slots, t0, p0);
        Assert.True(repeat.Duplicate);
        Assert.Equal(before, served.ReadHealth().TotalPulses);
    }

    [Fact]
    public void A_request_frame_sent_again_after_its_answer_was_lost_gets_the_same_answer_and_changes_nothing()
    {
        using var served = ChainWireBoards.Create("8");
        var handler = new BoardRequestHandler(served);
        var chain = served.Description.AnalogChain!;
        var (volts, _) = Inputs(served, 2, 1, 3);
        var read = FrameCodec.Encode(ProtocolCommand.ReadChain, FrameFlags.None, 1, ChainReadMessages.EncodeRequest(1, false, chain.InputCount, volts, default), 2);
        Assert.False(Parse(handler.Handle(Block(read))).Header.IsError);
        var w = chain.Stages[1].Window;
        var (trains, polarity) = ColumnTrains(w, 32, 4);
        var c = served.Description.Capabilities;
        var latched = FrameCodec.Encode(ProtocolCommand.PulseLatched, FrameFlags.None, 2,
            LatchedPulseMessages.Encode(new PulseRequest(77, (float)c.NominalPulseVoltage.Volts, (float)c.NominalPulseWidth.Seconds), 1, 1, 1f, 32, trains, polarity), 2);
        var first = handler.Handle(Block(latched))!;
        long pulses = served.ReadHealth().TotalPulses;
        Assert.True(pulses > 0);
        var again = handler.Handle(Block(latched))!; // the answer was lost: the host resends the identical frame
        Assert.Equal(first, again);
        Assert.Equal(1, handler.Replays);
        Assert.Equal(pulses, served.ReadHealth().TotalPulses);
        Assert.Equal(2, Parse(again).Header.Version); // answered in its request's version
        var receipt = PulseMessages.DecodeReceipt(Parse(first).Payload);
        Assert.Equal(pulses, receipt.PulsesApplied);
        Assert.False(receipt.Duplicate);

        // Field values whose products would overflow 64 bits do not make a short payload fit: MALFORMED_PAYLOAD.
        var hostile = FrameCodec.Encode(ProtocolCommand.ReadChain, FrameFlags.None, 3, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0, 0, 0], 2);
        Assert.Equal(ProtocolErrorCode.MalformedPayload, ErrorMessage.Decode(Parse(handler.Handle(Block(hostile))).Payload).Code);
    }

    [Fact]
    public void A_version_1_board_serving_a_chain_board_is_a_plain_board_to_a_version_2_host()
    {
        using var served = ChainWireBoards.Create("9");
        using var f = new InMemoryServedBoard(served, highestVersion: 1);
        Assert.Equal(1, f.Board.ProtocolVersion);
        Assert.Null(f.Board.Description.AnalogChain);
        Assert.Null(f.Board.Description.Costs);
        var chain = served.Description.AnalogChain!;
        var (volts, _) = Inputs(served, 1, 1, 1);
        Assert.Throws<DeviceLimitException>(() => f.Board.ReadChain(volts, 1, default, new float[chain.OutputCount], default));
        // Everything version 1 had keeps working.
        var w = new CrossbarWindow(0, 0, 4, 0, 4);
        var outputs = new float[4];
        f.Board.Read(w, [0.1f, 0.1f, 0.1f, 0.1f], outputs);
        Assert.Contains(outputs, x => x != 0);

        // And the board side: version-2 frames are UNSUPPORTED_VERSION, a version-1 DESCRIBE says 1.
        var handler = new BoardRequestHandler(served, highestVersion: 1);
        var v2 = Parse(handler.Handle(Block(FrameCodec.Encode(ProtocolCommand.Describe, FrameFlags.None, 5, [], 2))));
        Assert.Equal(ProtocolErrorCode.UnsupportedVersion, ErrorMessage.Decode(v2.Payload).Code);
        var v1 = Parse(handler.Handle(Block(FrameCodec.Encode(ProtocolCommand.Describe, FrameFlags.None, 6, []))));
        var identity = DescribeMessage.Decode(v1.Payload);
        Assert.Equal(1, identity.HighestVersion);
        Assert.False(identity.DescribesChain);
    }

    [Fact]
    public void A_chain_read_split_into_frames_equals_one_read_in_process_and_latches_only_the_last_frame()
    {
        using var served = ChainWireBoards.Create("10");
        using var reference = ChainWireBoards.Create("10");
        using var f = new InMemoryServedBoard(served, maxPayload: 4096); // 196 inputs: 5 per READ_CHAIN frame
        var chain = reference.Description.AnalogChain!;
        var (volts, injection) = Inputs(reference, 12, 2, 9);
        float[] a = new float[24 * chain.OutputCount], b = new float[24 * chain.OutputCount];
        float[] ta = new float[24 * chain.NeuronCount], tb = new float[24 * chain.NeuronCount];
        long sent = f.Board.LinkStatistics.FramesSent;
        f.Board.ReadChain(volts, 2, injection, b, tb);
        int frames = (int)(f.Board.LinkStatistics.FramesSent - sent);
        Assert.True(frames > 1, $"one frame: the test proved nothing ({frames})");
        // The board read the frames one by one: the same as reading the same pieces in process.
        int per = f.Board.ChainVectorsPerFrame(2, true, true);
        for (int start = 0; start < 12; start += per)
        {
            int m = Math.Min(per, 12 - start);
            reference.ReadChain(volts.AsSpan(start * chain.InputCount, m * chain.InputCount), 2,
                injection.AsSpan(start * 2 * chain.NeuronCount, m * 2 * chain.NeuronCount),
                a.AsSpan(start * 2 * chain.OutputCount, m * 2 * chain.OutputCount), ta.AsSpan(start * 2 * chain.NeuronCount, m * 2 * chain.NeuronCount));
        }
        Assert.Equal(a, b);
        Assert.Equal(ta, tb);
        var c = reference.Description.Capabilities;
        var request = new PulseRequest(99, (float)c.NominalPulseVoltage.Volts, (float)c.NominalPulseWidth.Seconds);
        var (trains, polarity) = ColumnTrains(chain.Stages[1].Window, 8, 2);
        var e = Assert.Throws<DeviceLimitException>(() => f.Board.ApplyLatchedOuterProduct(request, 1, 0, 1f, 8, trains, polarity));
        Assert.Contains("not latched", e.Message);
        Assert.False(f.Board.ApplyLatchedOuterProduct(request, 1, 23, 1f, 8, trains, polarity).Duplicate); // the last frame's rows are
    }

    private static ReadOnlySpan<byte> Block(byte[] wire) => wire.AsSpan(1, wire.Length - 2);

    private static Frame Parse(byte[]? wire)
    {
        Assert.NotNull(wire);
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(Block(wire!), out var frame, out _));
        return frame!;
    }
}

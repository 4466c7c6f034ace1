using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>
/// PROTOCOL.md's rules at the byte level, held against both board implementations (the C# virtual
/// board and the C reference firmware): one error code per fault (§5.1), reserved bits ignored,
/// limits compared in f32, one block limit in encoded bytes, the 1 s partial-block rule, uptime
/// since start, dropped answers counted, and the worked example byte for byte.
/// </summary>
public class WireAgreementTests
{
    private static ProtocolErrorCode? Code(Frame f)
    {
        Assert.True(f.Header.IsResponse);
        if (!f.Header.IsError) return null;
        var (code, message) = ErrorMessage.Decode(f.Payload);
        // Plain sentences for humans: no dumps of internal records or structures.
        Assert.DoesNotContain("{", message);
        Assert.DoesNotContain(" = ", message);
        return code;
    }

    private static DeviceHealth Health(WireTarget t, out BoardLinkCounters link)
    {
        var f = t.Client.Exchange(ProtocolCommand.Health, t.NextSequence(), []);
        Assert.Equal(HealthMessage.Size, f.Payload.Length);
        var (health, counters) = HealthMessage.Decode(f.Payload);
        link = counters;
        return health;
    }

    private static byte[] ReadPayload(CrossbarWindow w, byte activation, uint batch, float[] inputs, byte reserved = 0)
    {
        var p = new PayloadWriter(16 + 4 * inputs.Length);
        WindowField.Write(p, w);
        p.U8(activation).U8(reserved).U32(batch).F32s(inputs);
        return p.ToArray();
    }

    private static byte[] Outer(ulong id, CrossbarWindow w, int slots, ulong train, sbyte polarity, float amplitude = 1.5f)
        => PulseMessages.EncodeOuter(new PulseRequest(id, amplitude, 1e-6f), w, new OuterProductTrains(slots,
            Enumerable.Repeat(train, w.RowCount).ToArray(), Enumerable.Repeat(polarity, w.RowCount).ToArray(),
            Enumerable.Repeat(1UL, w.ColumnCount).ToArray(), Enumerable.Repeat((sbyte)1, w.ColumnCount).ToArray()));

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void Every_refused_value_is_LIMIT_REFUSED_and_nothing_is_applied(string kind)
    {
        using var t = WireTarget.Open(kind);
        var d = t.Identity.Description;
        var w = new CrossbarWindow(0, 0, 2, 0, 2);
        int limit = d.Limits.MaxPulsesPerCellPerRequest;
        var refused = new List<(string What, ProtocolCommand Command, byte[] Payload)>
        {
            ("zero batch", ProtocolCommand.Read, ReadPayload(w, 0, 0, [])),
            ("zero-row window", ProtocolCommand.Read, ReadPayload(w with { RowCount = 0 }, 0, 1, [])),
            ("zero-column window", ProtocolCommand.Measure, MeasureMessages.EncodeRequest(w with { ColumnCount = 0 })),
            ("window off the tile", ProtocolCommand.Measure, MeasureMessages.EncodeRequest(w with { Row0 = d.Geometry.Rows - 1 })),
            ("tile that does not exist", ProtocolCommand.Measure, MeasureMessages.EncodeRequest(w with { Tile = d.TileCount })),
            ("unknown activation", ProtocolCommand.Read, ReadPayload(w, 7, 1, [0f, 0f])),
            ("batch over the limit", ProtocolCommand.Read, ReadPayload(w with { RowCount = 1 }, 0, (uint)d.Limits.MaxBatch + 1, new float[d.Limits.MaxBatch + 1])),
            ("input over the read limit", ProtocolCommand.Read, ReadPayload(w, 0, 1, [0f, d.Limits.MaxReadVolts * 1.01f])),
            ("NaN input", ProtocolCommand.Read, ReadPayload(w, 0, 1, [float.NaN, 0f])),
            ("pulse id 0", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(0, 1.5f, 1e-6f), 0, 1, w, [1, 1, 1, 1])),
            ("part count 0", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(5, 1.5f, 1e-6f), 0, 0, w, [1, 1, 1, 1])),
            ("part index past the count", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(5, 1.5f, 1e-6f), 1, 1, w, [1, 1, 1, 1])),
            ("count over the per-cell limit", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(5, 1.5f, 1e-6f), 0, 1, w, [1, (short)(limit + 1), 1, 1])),
            ("amplitude over the limit", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(5, d.Limits.MaxPulseVolts * 1.01f, 1e-6f), 0, 1, w, [1, 1, 1, 1])),
            ("zero amplitude", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(5, 0f, 1e-6f), 0, 1, w, [1, 1, 1, 1])),
            ("width under the limit", ProtocolCommand.PulseCells, PulseMessages.EncodeCells(new PulseRequest(5, 1.5f, d.Limits.MinPulseWidthSeconds / 2), 0, 1, w, [1, 1, 1, 1])),
            ("S = 0", ProtocolCommand.PulseOuterProduct, Outer(6, w, 0, 0, 1)),
            ("train bit at S", ProtocolCommand.PulseOuterProduct, Outer(6, w, 3, 1UL << 3, 1)),
            ("polarity 2", ProtocolCommand.PulseOuterProduct, Outer(6, w, 3, 1, 2)),
            ("S over the per-cell limit", ProtocolCommand.PulseOuterProduct, Outer(6, w, limit + 1, 1, 1)),
            ("outer-product id 0", ProtocolCommand.PulseOuterProduct, Outer(0, w, 3, 1, 1)),
        };
        foreach (var (what, command, payload) in refused)
            Assert.True(Code(t.Client.Exchange(command, t.NextSequence(), payload)) == ProtocolErrorCode.LimitRefused, $"{kind}: {what} was not LIMIT_REFUSED");
        Assert.Equal(0, Health(t, out _).TotalPulses);
        // A refused id is not burned: the same id applies once it is valid.
        var ok = Code(t.Client.Exchange(ProtocolCommand.PulseCells, t.NextSequence(), PulseMessages.EncodeCells(new PulseRequest(5, 1.5f, 1e-6f), 0, 1, w, [1, 1, 1, 1])));
        Assert.Null(ok);
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void Layout_faults_are_MALFORMED_PAYLOAD(string kind)
    {
        using var t = WireTarget.Open(kind);
        var w = new CrossbarWindow(0, 0, 2, 0, 2);
        var read = ReadPayload(w, 0, 1, [0f, 0f]);
        var cells = PulseMessages.EncodeCells(new PulseRequest(5, 1.5f, 1e-6f), 0, 1, w, [1, 1, 1, 1]);
        var faults = new List<(string What, ProtocolCommand Command, byte[] Payload)>
        {
            ("READ one byte short", ProtocolCommand.Read, read[..^1]),
            ("READ one byte long", ProtocolCommand.Read, [.. read, 0]),
            ("READ batch whose size overflows 32 bits", ProtocolCommand.Read, ReadPayload(w, 0, uint.MaxValue, [0f, 0f])),
            ("READ shorter than its fixed part", ProtocolCommand.Read, read[..9]),
            ("PULSE_CELLS one count missing", ProtocolCommand.PulseCells, cells[..^2]),
            ("MEASURE with 11 bytes", ProtocolCommand.Measure, [.. MeasureMessages.EncodeRequest(w), 0]),
            ("DESCRIBE with a payload", ProtocolCommand.Describe, [1]),
            ("HEALTH with a payload", ProtocolCommand.Health, [1]),
        };
        foreach (var (what, command, payload) in faults)
            Assert.True(Code(t.Client.Exchange(command, t.NextSequence(), payload)) == ProtocolErrorCode.MalformedPayload, $"{kind}: {what} was not MALFORMED_PAYLOAD");
        Assert.Equal(ProtocolErrorCode.UnknownCommand, Code(t.Client.Exchange((ProtocolCommand)0x55, t.NextSequence(), [])));
        Assert.Equal(ProtocolErrorCode.TooLarge, Code(t.Client.Exchange(ProtocolCommand.Echo, t.NextSequence(), new byte[WireTarget.MaxPayload + 1])));
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void Reserved_bits_and_bytes_are_ignored_and_responses_are_never_executed(string kind)
    {
        using var t = WireTarget.Open(kind);
        var w = new CrossbarWindow(0, 0, 2, 0, 2);
        Assert.Null(Code(t.Client.Exchange(ProtocolCommand.Read, t.NextSequence(), ReadPayload(w, 0, 1, [0.1f, 0.1f], reserved: 0xA5))));
        Assert.Null(Code(t.Client.Exchange(ProtocolCommand.Health, t.NextSequence(), [], (FrameFlags)0xFC)));
        // Header byte 3 is reserved too: build the frame by hand.
        var body = new byte[16];
        FrameCodec.WriteHeader(body, new FrameHeader(1, ProtocolCommand.Health, FrameFlags.None, t.NextSequence(), 0));
        body[3] = 0x5A;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(12), System.IO.Hashing.Crc32.HashToUInt32(body.AsSpan(0, 12)));
        var wire = new byte[Cobs.MaxEncodedLength(16) + 2];
        int n = Cobs.Encode(body, wire.AsSpan(1));
        Assert.Null(Code(t.Client.ExchangeWire(wire[..(n + 2)])));
        // A frame flagged RESPONSE is a looped-back line: silence, counted as a bad block, nothing executed.
        t.Client.Send(FrameCodec.Encode(ProtocolCommand.PulseCells, FrameFlags.Response, t.NextSequence(),
            PulseMessages.EncodeCells(new PulseRequest(9, 1.5f, 1e-6f), 0, 1, w, [1, 1, 1, 1])));
        Assert.Null(t.Client.Receive(TimeSpan.FromMilliseconds(300)));
        var health = Health(t, out var link);
        Assert.Equal(0, health.TotalPulses);
        Assert.True(link.BadFrames >= 1);
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void Limits_are_compared_in_f32_so_a_value_equal_to_the_rounded_limit_is_allowed(string kind)
    {
        using var t = WireTarget.Open(kind);
        var l = t.Identity.Description.Limits;
        var d = t.Identity.Description;
        float vmax = MathF.Min((float)l.MaxReadVoltage.Volts, (float)d.Dac.FullScale.Volts);
        Assert.True((double)vmax != l.MaxReadVoltage.Volts || (double)vmax != d.Dac.FullScale.Volts || true);
        var w = new CrossbarWindow(0, 0, 2, 0, 2);
        Assert.Null(Code(t.Client.Exchange(ProtocolCommand.Read, t.NextSequence(), ReadPayload(w, 0, 1, [vmax, -vmax]))));
        Assert.Equal(ProtocolErrorCode.LimitRefused, Code(t.Client.Exchange(ProtocolCommand.Read, t.NextSequence(),
            ReadPayload(w, 0, 1, [MathF.BitIncrement(vmax), 0f]))));
        float amp = (float)l.MaxPulseVoltage.Volts, wMin = (float)l.MinPulseWidth.Seconds, wMax = (float)l.MaxPulseWidth.Seconds;
        Assert.Null(Code(t.Client.Exchange(ProtocolCommand.PulseCells, t.NextSequence(), PulseMessages.EncodeCells(new PulseRequest(31, amp, wMin), 0, 1, w, [1, 0, 0, 0]))));
        Assert.Null(Code(t.Client.Exchange(ProtocolCommand.PulseCells, t.NextSequence(), PulseMessages.EncodeCells(new PulseRequest(32, amp, wMax), 0, 1, w, [0, 1, 0, 0]))));
        Assert.Equal(ProtocolErrorCode.LimitRefused, Code(t.Client.Exchange(ProtocolCommand.PulseCells, t.NextSequence(),
            PulseMessages.EncodeCells(new PulseRequest(33, MathF.BitIncrement(amp), wMin), 0, 1, w, [1, 0, 0, 0]))));
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void A_block_past_the_block_limit_is_dropped_whatever_it_holds(string kind)
    {
        using var t = WireTarget.Open(kind);
        int limit = ProtocolConstants.MaxBlockFor(WireTarget.MaxPayload);
        foreach (byte fill in new byte[] { 0x01, 0xFF, 0x37 })
        {
            var garbage = Enumerable.Repeat(fill, limit + 1).ToArray();
            t.Client.Send([0, .. garbage, 0]);
        }
        var f = t.Client.Exchange(ProtocolCommand.Echo, t.NextSequence(), [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, f.Payload);
        Health(t, out var link);
        Assert.Equal(3u, link.BadFrames);
        // A block of exactly the limit is decoded (and, being a body with a bad length, dropped too);
        // the limit does not depend on content, so a well-formed frame near it is served.
        var big = t.Client.Exchange(ProtocolCommand.Echo, t.NextSequence(), Enumerable.Repeat((byte)0xAB, WireTarget.MaxPayload).ToArray());
        Assert.Equal(WireTarget.MaxPayload, big.Payload.Length);
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void A_partial_block_is_dropped_after_a_second_of_silence(string kind)
    {
        using var t = WireTarget.Open(kind);
        var wire = FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.None, t.NextSequence(), [9, 9]);
        t.Client.Send(wire.AsSpan(0, wire.Length / 2)); // a host that stalled in mid-frame
        Thread.Sleep(1300);
        // The next frame comes without a leading delimiter: only the timeout keeps the stale head off it.
        t.Client.Send(wire.AsSpan(1));
        var f = t.Client.Receive(TimeSpan.FromSeconds(3));
        Assert.NotNull(f);
        Assert.Equal(new byte[] { 9, 9 }, f!.Payload);
        Health(t, out var link);
        Assert.Equal(1u, link.BadFrames);
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void Uptime_grows_and_restarts_with_the_board(string kind)
    {
        using var t = WireTarget.Open(kind);
        var first = Health(t, out _).Uptime;
        Thread.Sleep(300);
        var second = Health(t, out _).Uptime;
        Assert.True(first > TimeSpan.Zero);
        Assert.True(second - first >= TimeSpan.FromMilliseconds(250), $"uptime went from {first} to {second} over 300 ms");
        // A restarted board's uptime is at most the time since the restart began, however slow the
        // machine; the old board would report at least `second` plus that time.
        var sinceRestart = System.Diagnostics.Stopwatch.StartNew();
        t.Restart();
        var after = Health(t, out _).Uptime;
        Assert.True(after <= sinceRestart.Elapsed, $"a restarted board reports {after} of uptime, more than the {sinceRestart.Elapsed} since it restarted");
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void The_worked_example_pulse_gets_the_documented_receipt_byte_for_byte(string kind)
    {
        using var t = WireTarget.Open(kind);
        byte[] request = Convert.FromHexString(
            "000301030102" + "2A0101022201010988776655443322110102010101" + "07C03FBD378635010202020102030202020507FDFF6D45A5B200");
        byte[] expected = Convert.FromHexString("000401030102" + "2A01010214010109887766554433221101010102080101010101010515ABB1CB00");
        var answer = t.Client.ExchangeWire(request);
        Assert.Equal(expected, FrameCodec.Encode(answer.Header.Command, answer.Header.Flags, answer.Header.Sequence, answer.Payload));
    }

    [Theory]
    [InlineData("virtual-pty")]
    [InlineData("firmware")]
    public void Answers_nobody_reads_for_a_second_are_dropped_and_counted(string kind)
    {
        using var t = WireTarget.Open(kind);
        t.Client.Paused = true;
        var payload = Enumerable.Repeat((byte)0x5C, 2000).ToArray();
        for (int i = 0; i < 60; i++) t.Client.Send(FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.None, t.NextSequence(), payload));
        Thread.Sleep(3000); // the board stalls once the line is full and drops after 1 s more: leave room for a slow machine
        t.Client.Paused = false;
        uint seq = t.NextSequence();
        t.Client.Send(FrameCodec.Encode(ProtocolCommand.Health, FrameFlags.None, seq, []));
        var (_, link) = HealthMessage.Decode(t.Client.ReceiveAnswerTo(seq).Payload);
        Assert.True(link.AnswersDropped >= 1, $"{kind}: {link.AnswersDropped} answers reported dropped");
        Assert.True(link.AnswersDropped <= 60);
    }

    [Theory]
    [MemberData(nameof(WireTarget.Kinds), MemberType = typeof(WireTarget))]
    public void Both_boards_speak_versions_1_and_2_and_answer_each_request_in_its_own_version(string kind)
    {
        using var t = WireTarget.Open(kind);
        Assert.Equal(2, t.Identity.HighestVersion); // DESCRIBE byte 0, asked in version 1
        var v2 = t.Client.ExchangeWire(FrameCodec.Encode(ProtocolCommand.Describe, FrameFlags.None, t.NextSequence(), [], 2));
        Assert.Equal(2, v2.Header.Version);
        Assert.Null(Code(v2));
        Assert.Equal(t.Identity.Description.SerialNumber, DescribeMessage.Decode(v2.Payload).Description.SerialNumber);
        var v1 = t.Client.Exchange(ProtocolCommand.Health, t.NextSequence(), []);
        Assert.Equal(1, v1.Header.Version);
        // A version the board does not speak: UNSUPPORTED_VERSION, in the nearest version it does.
        foreach (byte version in new byte[] { 0, 3 })
        {
            var f = t.Client.ExchangeWire(FrameCodec.Encode(ProtocolCommand.Describe, FrameFlags.None, t.NextSequence(), [], version));
            Assert.Equal(ProtocolErrorCode.UnsupportedVersion, Code(f));
            Assert.Equal(version == 0 ? 1 : 2, f.Header.Version);
        }
        // The version-2 commands do not exist in a version-1 frame.
        foreach (var command in new[] { ProtocolCommand.DescribeChain, ProtocolCommand.ReadChain, ProtocolCommand.PulseLatched, ProtocolCommand.DescribeCosts })
            Assert.Equal(ProtocolErrorCode.UnknownCommand, Code(t.Client.Exchange(command, t.NextSequence(), [])));
        // The virtual board here serves an ideal crossbar without a chain or costs; the firmware's model board has both.
        var costs = t.Client.ExchangeWire(FrameCodec.Encode(ProtocolCommand.DescribeCosts, FrameFlags.None, t.NextSequence(), [], 2));
        Assert.Equal(kind == "firmware", t.Identity.DescribesCosts);
        if (t.Identity.DescribesCosts) Assert.NotNull(CostsMessage.Decode(costs.Payload));
        else Assert.Equal([0], costs.Payload);
        var chain = t.Client.ExchangeWire(FrameCodec.Encode(ProtocolCommand.DescribeChain, FrameFlags.None, t.NextSequence(), [], 2));
        Assert.Equal(t.Identity.DescribesChain, chain.Payload[0] == 1);
        Assert.Equal(kind == "firmware", t.Identity.DescribesChain);
        if (!t.Identity.DescribesChain)
        {
            Assert.Equal([0], chain.Payload);
            var read = t.Client.ExchangeWire(FrameCodec.Encode(ProtocolCommand.ReadChain, FrameFlags.None, t.NextSequence(), [1, 0, 0, 0, 1, 0, 0, 0], 2));
            Assert.Equal(ProtocolErrorCode.LimitRefused, Code(read));
        }
        else Assert.NotNull(ChainDescriptionMessage.Decode(chain.Payload, t.Identity.Description));
        // A non-empty DESCRIBE_CHAIN is a layout fault.
        var bad = t.Client.ExchangeWire(FrameCodec.Encode(ProtocolCommand.DescribeChain, FrameFlags.None, t.NextSequence(), [1], 2));
        Assert.Equal(ProtocolErrorCode.MalformedPayload, Code(bad));
    }
}

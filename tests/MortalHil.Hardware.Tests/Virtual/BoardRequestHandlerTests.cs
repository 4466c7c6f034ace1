using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Virtual;

public class BoardRequestHandlerTests
{
    private static Frame Answer(BoardRequestHandler h, byte[] wire)
    {
        var answer = h.Handle(wire.AsSpan(1, wire.Length - 2));
        Assert.NotNull(answer);
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(answer.AsSpan(1, answer.Length - 2), out var f, out _));
        return f!;
    }

    private static byte[] Request(ProtocolCommand c, uint seq, byte[] payload, byte version = 1) => FrameCodec.Encode(c, FrameFlags.None, seq, payload, version);

    private static ProtocolErrorCode ErrorCode(Frame f)
    {
        Assert.True(f.Header.IsError);
        return ErrorMessage.Decode(f.Payload).Code;
    }

    [Fact]
    public void A_retransmitted_pulse_frame_is_answered_from_memory_and_applied_once()
    {
        var device = new IdealCrossbarFake();
        var h = new BoardRequestHandler(device);
        var frame = Request(ProtocolCommand.PulseCells, 5, PulseMessages.EncodeCells(new PulseRequest(9, 1.5f, 1e-6f), 0, 1, new CrossbarWindow(0, 0, 1, 0, 2), [3, -2]));
        var a = Answer(h, frame);
        var b = Answer(h, frame);
        Assert.Equal(a.Payload, b.Payload);
        Assert.False(PulseMessages.DecodeReceipt(b.Payload).Duplicate); // the identical answer, replayed
        Assert.Equal(1, device.PulseApplications);
        Assert.Equal(1, h.Replays);
    }

    [Fact]
    public void The_same_pulse_id_under_a_new_sequence_is_a_duplicate()
    {
        var device = new IdealCrossbarFake();
        var h = new BoardRequestHandler(device);
        var payload = PulseMessages.EncodeCells(new PulseRequest(9, 1.5f, 1e-6f), 0, 1, new CrossbarWindow(0, 0, 1, 0, 2), [3, -2]);
        Answer(h, Request(ProtocolCommand.PulseCells, 5, payload));
        var r = PulseMessages.DecodeReceipt(Answer(h, Request(ProtocolCommand.PulseCells, 6, payload)).Payload);
        Assert.True(r.Duplicate);
        Assert.Equal(5, r.PulsesApplied);
        Assert.Equal(1, device.PulseApplications);
    }

    [Fact]
    public void A_new_request_reusing_an_old_sequence_number_is_executed_not_replayed()
    {
        var device = new IdealCrossbarFake();
        var h = new BoardRequestHandler(device);
        var w = new CrossbarWindow(0, 0, 1, 0, 1);
        Answer(h, Request(ProtocolCommand.PulseCells, 5, PulseMessages.EncodeCells(new PulseRequest(1, 1.5f, 1e-6f), 0, 1, w, [1])));
        Answer(h, Request(ProtocolCommand.PulseCells, 5, PulseMessages.EncodeCells(new PulseRequest(2, 1.5f, 1e-6f), 0, 1, w, [1])));
        Assert.Equal(2, device.PulseApplications);
    }

    [Fact]
    public void Errors_carry_the_right_codes()
    {
        var h = new BoardRequestHandler(new IdealCrossbarFake(), maxPayload: 1024);
        Assert.Equal(ProtocolErrorCode.UnknownCommand, ErrorCode(Answer(h, Request((ProtocolCommand)0x55, 1, []))));
        Assert.Equal(ProtocolErrorCode.UnsupportedVersion, ErrorCode(Answer(h, Request(ProtocolCommand.Describe, 2, [], version: 3))));
        Assert.Equal(ProtocolErrorCode.MalformedPayload, ErrorCode(Answer(h, Request(ProtocolCommand.Describe, 3, [1]))));
        Assert.Equal(ProtocolErrorCode.TooLarge, ErrorCode(Answer(h, Request(ProtocolCommand.Echo, 4, new byte[2000]))));
        var hot = ReadMessages.EncodeRequest(new CrossbarWindow(0, 0, 1, 0, 1), AnalogActivation.None, [5f]);
        Assert.Equal(ProtocolErrorCode.LimitRefused, ErrorCode(Answer(h, Request(ProtocolCommand.Read, 5, hot))));
        var offTile = MeasureMessages.EncodeRequest(new CrossbarWindow(9, 0, 1, 0, 1));
        Assert.Equal(ProtocolErrorCode.LimitRefused, ErrorCode(Answer(h, Request(ProtocolCommand.Measure, 6, offTile))));
        // A frame damaged in its payload still names its command and sequence: BAD_CRC, nothing executed.
        var good = Request(ProtocolCommand.Health, 7, []);
        var body = new byte[64];
        Assert.True(Cobs.TryDecode(good.AsSpan(1, good.Length - 2), body, out int n));
        body[n - 1] ^= 0x10; // damage the CRC only
        var wire = new byte[Cobs.MaxEncodedLength(n) + 2];
        int m = Cobs.Encode(body.AsSpan(0, n), wire.AsSpan(1));
        var bad = Answer(h, wire[..(m + 2)]);
        Assert.Equal(ProtocolErrorCode.BadCrc, ErrorCode(bad));
        Assert.Equal(7u, bad.Header.Sequence);
    }

    [Fact]
    public void An_oversized_measure_or_read_is_refused_with_a_protocol_code_before_anything_is_allocated()
    {
        var h = new BoardRequestHandler(new IdealCrossbarFake(), maxPayload: 1024);
        var huge = Answer(h, Request(ProtocolCommand.Measure, 1, MeasureMessages.EncodeRequest(new CrossbarWindow(0, 0, 65535, 0, 65535))));
        var error = ErrorMessage.Decode(huge.Payload);
        Assert.Equal(ProtocolErrorCode.LimitRefused, error.Code);
        Assert.DoesNotContain("Exception", error.Message);
        var whole = Answer(h, Request(ProtocolCommand.Measure, 2, MeasureMessages.EncodeRequest(new CrossbarWindow(0, 0, 8, 0, 6))));
        Assert.False(whole.Header.IsError, "a whole 8x6 tile fits the limit");
        // 60 vectors of one input: a 240-byte request whose 6-column answer (1,440 bytes) would pass the 1,024-byte limit.
        var many = ReadMessages.EncodeRequest(new CrossbarWindow(0, 0, 1, 0, 6), AnalogActivation.None, Enumerable.Repeat(0.1f, 60).ToArray());
        Assert.Equal(ProtocolErrorCode.TooLarge, ErrorCode(Answer(h, Request(ProtocolCommand.Read, 4, many))));
        var wide = ReadMessages.EncodeRequest(new CrossbarWindow(0, 0, 1, 0, 65535), AnalogActivation.None, [0.1f]);
        Assert.Equal(ProtocolErrorCode.LimitRefused, ErrorCode(Answer(h, Request(ProtocolCommand.Read, 3, wide))));
    }
}

using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Tests.Protocol;

/// <summary>The byte-exact examples of PROTOCOL.md §9: a firmware author tests against the same bytes.</summary>
public class WorkedExampleTests
{
    [Fact]
    public void The_describe_request_is_the_documented_bytes()
        => Assert.Equal("00030101010201010101010101055E5554ED00", Convert.ToHexString(FrameCodec.Encode(ProtocolCommand.Describe, FrameFlags.None, 1, [])));

    [Fact]
    public void The_pulse_request_and_its_receipt_are_the_documented_bytes()
    {
        var payload = PulseMessages.EncodeCells(new PulseRequest(0x1122334455667788, 1.5f, 1e-6f), 0, 1, new CrossbarWindow(0, 2, 1, 3, 2), [5, -3]);
        Assert.Equal("8877665544332211000001000000C03FBD378635000002000100030002000500FDFF", Convert.ToHexString(payload));
        Assert.Equal("0003010301022A010102220101098877665544332211010201010107C03FBD378635010202020102030202020507FDFF6D45A5B200",
            Convert.ToHexString(FrameCodec.Encode(ProtocolCommand.PulseCells, FrameFlags.None, 0x2A, payload)));
        Assert.Equal("0004010301022A01010214010109887766554433221101010102080101010101010515ABB1CB00",
            Convert.ToHexString(FrameCodec.Encode(ProtocolCommand.PulseCells, FrameFlags.Response, 0x2A, PulseMessages.EncodeReceipt(new PartReceipt(0x1122334455667788, 0, 8, false)))));
    }

    [Fact]
    public void A_version_2_describe_chain_and_a_chainless_boards_answer_are_the_documented_bytes()
    {
        var request = FrameCodec.Encode(ProtocolCommand.DescribeChain, FrameFlags.None, 3, [], 2);
        Assert.Equal("00030208010203010101010101055 6BEA2A300".Replace(" ", ""), Convert.ToHexString(request));
        // The board without a chain (the ideal crossbar fake) answers exactly the documented frame.
        var handler = new MortalHil.Hardware.Virtual.BoardRequestHandler(new Fakes.IdealCrossbarFake());
        var answer = handler.Handle(request.AsSpan(1, request.Length - 2));
        Assert.Equal("0004020801020301010201010101058 24F47AC00".Replace(" ", ""), Convert.ToHexString(answer!));
        // In a version-1 frame the same command is unknown, as on a version-1 board.
        var v1Request = FrameCodec.Encode(ProtocolCommand.DescribeChain, FrameFlags.None, 4, []);
        var v1 = handler.Handle(v1Request.AsSpan(1, v1Request.Length - 2));
        Assert.True(FrameCodec.TryParse(v1.AsSpan(1, v1!.Length - 2), out var f, out _) == FrameParseError.None);
        Assert.Equal(ProtocolErrorCode.UnknownCommand, ErrorMessage.Decode(f!.Payload).Code);
    }
}

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
}

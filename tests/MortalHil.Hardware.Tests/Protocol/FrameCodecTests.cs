using System.IO.Hashing;
using System.Text;
using MortalHil.Hardware.Protocol;

namespace MortalHil.Hardware.Tests.Protocol;

public class FrameCodecTests
{
    private static Frame ParseWire(byte[] wire)
    {
        Assert.Equal(0, wire[0]);
        Assert.Equal(0, wire[^1]);
        Assert.DoesNotContain((byte)0, wire[1..^1]);
        Assert.Equal(FrameParseError.None, FrameCodec.TryParse(wire.AsSpan(1, wire.Length - 2), out var f, out _));
        return f!;
    }

    [Fact]
    public void Crc32_is_the_IEEE_802_3_check_value()
        => Assert.Equal(0xCBF43926u, Crc32.HashToUInt32(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void A_frame_round_trips_header_and_payload()
    {
        var payload = Enumerable.Range(0, 700).Select(i => (byte)(i * 7)).ToArray();
        var f = ParseWire(FrameCodec.Encode(ProtocolCommand.Read, FrameFlags.Response, 0xDEADBEEF, payload));
        Assert.Equal(new FrameHeader(1, ProtocolCommand.Read, FrameFlags.Response, 0xDEADBEEF, 700), f.Header);
        Assert.Equal(payload, f.Payload);
    }

    [Fact]
    public void An_empty_payload_frame_is_sixteen_bytes_before_stuffing()
    {
        var wire = FrameCodec.Encode(ProtocolCommand.Describe, FrameFlags.None, 1, []);
        var body = new byte[64];
        Assert.True(Cobs.TryDecode(wire.AsSpan(1, wire.Length - 2), body, out int n));
        Assert.Equal(16, n);
        // Byte layout of PROTOCOL.md §2: version, command, flags, reserved, sequence, length, CRC.
        Assert.Equal(new byte[] { 1, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0 }, body[..12]);
        Assert.Equal(Crc32.HashToUInt32(body.AsSpan(0, 12)), BitConverter.ToUInt32(body, 12));
    }

    [Fact]
    public void The_largest_payload_is_accepted_and_one_byte_more_is_refused()
    {
        var max = new byte[ProtocolConstants.MaxPayload];
        new Random(3).NextBytes(max);
        Assert.Equal(max, ParseWire(FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.None, 9, max)).Payload);
        Assert.Throws<ArgumentException>(() => FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.None, 9, new byte[ProtocolConstants.MaxPayload + 1]));
    }

    [Fact]
    public void Every_single_bit_flip_of_a_frame_is_detected()
    {
        var wire = FrameCodec.Encode(ProtocolCommand.PulseCells, FrameFlags.None, 77, Enumerable.Range(0, 40).Select(i => (byte)i).ToArray());
        var block = wire[1..^1];
        for (int i = 0; i < block.Length; i++)
            for (int bit = 0; bit < 8; bit++)
            {
                var m = (byte[])block.Clone();
                m[i] ^= (byte)(1 << bit);
                var r = FrameCodec.TryParse(m, out var frame, out _);
                Assert.NotEqual(FrameParseError.None, r);
                Assert.Null(frame);
            }
    }

    [Fact]
    public void A_length_field_that_disagrees_with_the_bytes_is_rejected()
    {
        var body = new byte[12 + 3 + 4];
        FrameCodec.WriteHeader(body, new FrameHeader(1, ProtocolCommand.Echo, FrameFlags.None, 5, 4)); // claims 4, has 3
        BitConverter.GetBytes(Crc32.HashToUInt32(body.AsSpan(0, 15))).CopyTo(body, 15);
        var enc = new byte[Cobs.MaxEncodedLength(body.Length)];
        int n = Cobs.Encode(body, enc);
        Assert.Equal(FrameParseError.BadLength, FrameCodec.TryParse(enc.AsSpan(0, n), out _, out _));
    }

    [Fact]
    public void The_splitter_resynchronises_after_garbage_and_survives_byte_by_byte_delivery()
    {
        var frame = FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.Response, 3, [1, 2, 0, 4]);
        var garbage = new byte[5000];
        new Random(5).NextBytes(garbage);
        var stream = garbage.Concat(frame).Concat(frame).ToArray();
        var splitter = new FrameSplitter(maxBlock: 1024);
        var good = new List<Frame>();
        foreach (var b in stream)
            splitter.Feed([b], block =>
            {
                if (FrameCodec.TryParse(block, out var f, out _) == FrameParseError.None) good.Add(f!);
            });
        Assert.Equal(2, good.Count);
        Assert.All(good, f => Assert.Equal(new byte[] { 1, 2, 0, 4 }, f.Payload));
    }

    [Fact]
    public void An_over_long_block_is_dropped_and_the_next_frame_still_arrives()
    {
        var splitter = new FrameSplitter(maxBlock: 100);
        var frame = FrameCodec.Encode(ProtocolCommand.Echo, FrameFlags.Response, 3, [9]);
        var blocks = 0;
        splitter.Feed(Enumerable.Repeat((byte)0x55, 1000).Concat(new byte[] { 0 }).Concat(frame).ToArray(), _ => blocks++);
        Assert.Equal(1, blocks);
        Assert.Equal(1, splitter.OverflowedBlocks);
    }
}

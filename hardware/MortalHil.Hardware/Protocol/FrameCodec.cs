using System.Buffers.Binary;
using System.IO.Hashing;

namespace MortalHil.Hardware.Protocol;

/// <summary>Why a block between two delimiters did not yield a frame.</summary>
public enum FrameParseError
{
    /// <summary>A good frame.</summary>
    None,
    /// <summary>Empty block (two delimiters in a row): line idle, not an error.</summary>
    Empty,
    /// <summary>The COBS encoding is broken.</summary>
    BadCobs,
    /// <summary>Shorter than header + CRC, or the length field disagrees with the bytes received.</summary>
    BadLength,
    /// <summary>CRC-32 mismatch.</summary>
    BadCrc,
}

/// <summary>
/// Builds and parses frames: header + payload + CRC-32 (System.IO.Hashing.Crc32, the IEEE 802.3
/// polynomial), COBS-encoded and terminated by one 0x00 byte.
/// </summary>
public static class FrameCodec
{
    /// <summary>Encodes a frame ready to write to the wire: 0x00, COBS(header + payload + CRC), 0x00.</summary>
    public static byte[] Encode(ProtocolCommand command, FrameFlags flags, uint sequence, ReadOnlySpan<byte> payload, byte version = ProtocolConstants.Version)
    {
        if (payload.Length > ProtocolConstants.MaxPayload)
            throw new ArgumentException($"payload of {payload.Length} bytes exceeds the protocol limit {ProtocolConstants.MaxPayload}");
        int bodyLength = ProtocolConstants.HeaderSize + payload.Length + ProtocolConstants.CrcSize;
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(bodyLength);
        try
        {
            var body = rented.AsSpan(0, bodyLength);
            WriteHeader(body, new FrameHeader(version, command, flags, sequence, payload.Length));
            payload.CopyTo(body[ProtocolConstants.HeaderSize..]);
            int crcAt = ProtocolConstants.HeaderSize + payload.Length;
            BinaryPrimitives.WriteUInt32LittleEndian(body[crcAt..], Crc32.HashToUInt32(body[..crcAt]));
            // A delimiter on both sides: the leading one ends any garbage the line picked up before
            // this frame, so the frame itself is never merged with it (PROTOCOL.md §1).
            var wire = new byte[Cobs.MaxEncodedLength(bodyLength) + 2];
            int n = Cobs.Encode(body, wire.AsSpan(1));
            wire[0] = 0;
            wire[n + 1] = 0;
            return n + 2 == wire.Length ? wire : wire.AsSpan(0, n + 2).ToArray();
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>Writes the 12-byte header.</summary>
    public static void WriteHeader(Span<byte> destination, FrameHeader h)
    {
        destination[0] = h.Version;
        destination[1] = (byte)h.Command;
        destination[2] = (byte)h.Flags;
        destination[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], h.Sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)h.PayloadLength);
    }

    /// <summary>
    /// Parses one COBS block (without its delimiter). On failure <paramref name="frame"/> is null; if
    /// enough of the header survived, <paramref name="damagedHeader"/> holds it (unverified) so a
    /// board can address a BadCrc answer.
    /// </summary>
    public static FrameParseError TryParse(ReadOnlySpan<byte> block, out Frame? frame, out FrameHeader? damagedHeader)
    {
        frame = null;
        damagedHeader = null;
        if (block.Length == 0) return FrameParseError.Empty;
        if (block.Length > ProtocolConstants.MaxEncodedFrame) return FrameParseError.BadLength;
        byte[] rented = System.Buffers.ArrayPool<byte>.Shared.Rent(block.Length);
        try
        {
            if (!Cobs.TryDecode(block, rented, out int n)) return FrameParseError.BadCobs;
            var body = rented.AsSpan(0, n);
            if (n >= ProtocolConstants.HeaderSize) damagedHeader = ReadHeader(body);
            if (n < ProtocolConstants.HeaderSize + ProtocolConstants.CrcSize) return FrameParseError.BadLength;
            var header = damagedHeader!.Value;
            if (header.PayloadLength < 0 || header.PayloadLength != n - ProtocolConstants.HeaderSize - ProtocolConstants.CrcSize)
                return FrameParseError.BadLength;
            int crcAt = n - ProtocolConstants.CrcSize;
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(body[crcAt..]);
            if (Crc32.HashToUInt32(body[..crcAt]) != crc) return FrameParseError.BadCrc;
            frame = new Frame(header, body[ProtocolConstants.HeaderSize..crcAt].ToArray()) { Crc = crc };
            damagedHeader = null;
            return FrameParseError.None;
        }
        finally { System.Buffers.ArrayPool<byte>.Shared.Return(rented); }
    }

    private static FrameHeader ReadHeader(ReadOnlySpan<byte> body) => new(
        body[0], (ProtocolCommand)body[1], (FrameFlags)body[2],
        BinaryPrimitives.ReadUInt32LittleEndian(body[4..]),
        (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(body[8..]), int.MaxValue));
}

namespace MortalHil.Hardware.Protocol;

/// <summary>The fixed header of every frame (12 bytes, little-endian; see PROTOCOL.md §2).</summary>
public readonly record struct FrameHeader(byte Version, ProtocolCommand Command, FrameFlags Flags, uint Sequence, int PayloadLength)
{
    /// <summary>True for frames a board sends.</summary>
    public bool IsResponse => (Flags & FrameFlags.Response) != 0;
    /// <summary>True for error responses.</summary>
    public bool IsError => (Flags & FrameFlags.Error) != 0;
}

/// <summary>A decoded, CRC-checked frame. <see cref="Payload"/> is owned by the frame.</summary>
public sealed record Frame(FrameHeader Header, byte[] Payload)
{
    /// <summary>CRC-32 of header and payload as sent (identifies a retransmission of the same request).</summary>
    public uint Crc { get; init; }
}

namespace MortalHil.Hardware.Protocol;

/// <summary>Fixed numbers of wire protocol version 1 (see hardware/PROTOCOL.md).</summary>
public static class ProtocolConstants
{
    /// <summary>
    /// The base protocol version: every board speaks it, so a host's first DESCRIBE is sent in it (PROTOCOL.md §2.1).
    /// Frames are built in this version unless a peer agreed on a higher one.
    /// </summary>
    public const byte Version = 1;
    /// <summary>The highest protocol version this implementation speaks (2 adds the analog-chain and cost commands).</summary>
    public const byte HighestVersion = 2;
    /// <summary>The first version with DESCRIBE_CHAIN, READ_CHAIN, PULSE_LATCHED and DESCRIBE_COSTS.</summary>
    public const byte ChainVersion = 2;

    /// <summary>True for the commands that exist only from <see cref="ChainVersion"/> on.</summary>
    public static bool IsVersion2Command(ProtocolCommand c) => c is ProtocolCommand.DescribeChain or ProtocolCommand.ReadChain
        or ProtocolCommand.PulseLatched or ProtocolCommand.DescribeCosts;
    /// <summary>Header bytes: version, command, flags, reserved, sequence (u32), payload length (u32).</summary>
    public const int HeaderSize = 12;
    /// <summary>CRC-32 trailer bytes.</summary>
    public const int CrcSize = 4;
    /// <summary>Largest payload any version-1 peer may send (1 MiB). A board may advertise less.</summary>
    public const int MaxPayload = 1 << 20;
    /// <summary>Smallest payload limit a board may advertise.</summary>
    public const int MinBoardMaxPayload = 1024;
    /// <summary>Largest decoded frame (header + payload + CRC).</summary>
    public const int MaxFrame = HeaderSize + MaxPayload + CrcSize;
    /// <summary>
    /// Largest COBS-encoded block (bytes between two delimiters) any receiver accepts: the worst-case
    /// encoding of the largest frame, MaxFrame + floor(MaxFrame / 254) + 1. Longer blocks are dropped
    /// whatever they contain (PROTOCOL.md §1).
    /// </summary>
    public static int MaxEncodedFrame => Cobs.MaxEncodedLength(MaxFrame);

    /// <summary>The block limit, in encoded bytes, of a receiver whose payload limit is <paramref name="maxPayload"/>.</summary>
    public static int MaxBlockFor(int maxPayload) => Cobs.MaxEncodedLength(HeaderSize + maxPayload + CrcSize);
    /// <summary>Pulse receipts a board must remember (by request id and part) to answer repeats.</summary>
    public const int MinRememberedPulseIds = 256;
}

namespace MortalHil.Hardware.Protocol;

/// <summary>Command byte of a frame; a response carries the command of its request.</summary>
public enum ProtocolCommand : byte
{
    /// <summary>Identity, geometry, converters, limits, capabilities and the board's payload limit.</summary>
    Describe = 0x01,
    /// <summary>Apply a batch of input vectors to a window and return the column outputs.</summary>
    Read = 0x02,
    /// <summary>Per-cell signed pulse counts over a window (one part of a possibly split request).</summary>
    PulseCells = 0x03,
    /// <summary>Rank-1 pulse trains over a window.</summary>
    PulseOuterProduct = 0x04,
    /// <summary>Per-cell conductance readout over a window.</summary>
    Measure = 0x05,
    /// <summary>Temperature, uptime, wear counters, self test and board-side link counters.</summary>
    Health = 0x06,
    /// <summary>Returns its payload unchanged: link tests and latency measurement.</summary>
    Echo = 0x07,
    /// <summary>Version 2: the board's analog chain (stages, neurons, output ADC, injection, taps), or that it has none.</summary>
    DescribeChain = 0x08,
    /// <summary>Version 2: one read through the whole analog chain, with optional injection and monitor taps.</summary>
    ReadChain = 0x09,
    /// <summary>Version 2: a rank-1 update whose row trains the board draws from the activity latched by the last chain read.</summary>
    PulseLatched = 0x0A,
    /// <summary>Version 2: the energy and time of each kind of board operation, as the datasheet states them, or that it states none.</summary>
    DescribeCosts = 0x0B,
}

/// <summary>Flag bits of the header.</summary>
[Flags]
public enum FrameFlags : byte
{
    /// <summary>A request from the host.</summary>
    None = 0,
    /// <summary>Set on every frame a board sends.</summary>
    Response = 0x01,
    /// <summary>Set with <see cref="Response"/> when the payload is an error (see <see cref="ProtocolErrorCode"/>).</summary>
    Error = 0x02,
}

/// <summary>Error codes a board answers with (payload of a frame with <see cref="FrameFlags.Error"/>).</summary>
public enum ProtocolErrorCode : ushort
{
    /// <summary>A frame arrived whose COBS, length or CRC-32 did not check; nothing was executed.</summary>
    BadCrc = 1,
    /// <summary>The command byte is not one the board knows; nothing was executed.</summary>
    UnknownCommand = 2,
    /// <summary>The payload length or contents do not match the command's layout; nothing was executed.</summary>
    MalformedPayload = 3,
    /// <summary>The request exceeds the board's safe limits; nothing was executed.</summary>
    LimitRefused = 4,
    /// <summary>The board cannot take the request now; nothing was executed, the host may retry the same frame.</summary>
    Busy = 5,
    /// <summary>The board has failed; it will not execute anything more.</summary>
    DeviceFailed = 6,
    /// <summary>The header's version is not one the board speaks; nothing was executed.</summary>
    UnsupportedVersion = 7,
    /// <summary>The payload exceeds the board's advertised limit; nothing was executed.</summary>
    TooLarge = 8,
    /// <summary>Anything else went wrong inside the board; whether anything was applied is unknown.</summary>
    Internal = 9,
}

namespace MortalHil.Hardware.Serial;

/// <summary>Timing and retry settings of a <see cref="SerialBoard"/> (defaults follow PROTOCOL.md §7).</summary>
public sealed record SerialBoardOptions
{
    /// <summary>How long to wait for an answer before resending the same frame, before transfer and pulse time are added.</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>Resends of one request (same sequence number) before the board is declared lost.</summary>
    public int MaxRetries { get; init; } = 5;
    /// <summary>How long to keep trying to reopen a port that disappeared.</summary>
    public TimeSpan ReconnectWindow { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Pause between attempts to reopen the port.</summary>
    public TimeSpan ReconnectInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Baud rate used to estimate transfer time (bits per second, 10 bits per byte).</summary>
    public int BaudRate { get; init; } = SerialPortConnector.DefaultBaudRate;
    /// <summary>First sequence number; null picks a random one so a fresh host never matches a board's cached answer.</summary>
    public uint? FirstSequence { get; init; }
}

using UnitsNet;

namespace MortalHil.Core.Devices;

/// <summary>A board's own view of its condition at one moment.</summary>
public sealed record DeviceHealth
{
    public required bool Alive { get; init; }
    public required Temperature Temperature { get; init; }
    /// <summary>Time the board has existed on its own clock (simulated time for a simulated board).</summary>
    public required TimeSpan Uptime { get; init; }
    public required long TotalPulses { get; init; }
    /// <summary>Most pulses any single cell has received over its life.</summary>
    public required long MaxCellPulses { get; init; }
    public required long TotalReads { get; init; }
    /// <summary>Result of the board's built-in self test, if it has one.</summary>
    public required bool SelfTestPassed { get; init; }
    public LinkStatistics Link { get; init; } = LinkStatistics.None;
}

/// <summary>Counters of the link to a remote board (all zero for an in-process board).</summary>
public sealed record LinkStatistics(long FramesSent, long FramesReceived, long CrcErrors, long Retries, long Timeouts, long Reconnects)
{
    public static LinkStatistics None { get; } = new(0, 0, 0, 0, 0, 0);
}

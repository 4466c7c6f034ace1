namespace MortalHil.Hardware.Virtual;

/// <summary>What a <see cref="BoardProtocolServer"/> has seen and done (monotonic counters).</summary>
public sealed record BoardServerCounters
{
    /// <summary>Frames that decoded and checked.</summary>
    public long FramesReceived { get; init; }
    /// <summary>Blocks that failed COBS, length or CRC checks (or over-long garbage).</summary>
    public long BadFrames { get; init; }
    /// <summary>Requests answered from the last-response cache without executing again.</summary>
    public long Replays { get; init; }
    /// <summary>Pulse parts answered from the pulse-id cache without applying again.</summary>
    public long DuplicatePulses { get; init; }
    /// <summary>Pulse parts handed to the served device.</summary>
    public long PulseCallsForwarded { get; init; }
    /// <summary>Frames written (replies, error answers, injected duplicates).</summary>
    public long FramesSent { get; init; }
    /// <summary>Answers written to a line nobody read and thrown away after a one-second stall.</summary>
    public long AnswersDropped { get; init; }
    /// <summary>Partly received blocks thrown away after a second of silence.</summary>
    public long PartialBlocksAbandoned { get; init; }
    /// <summary>Faults injected (drop, corrupt, duplicate).</summary>
    public long FaultsInjected { get; init; }
}

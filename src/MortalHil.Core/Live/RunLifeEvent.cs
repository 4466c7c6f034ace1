namespace MortalHil.Core.Live;

/// <summary>A command started (<see cref="ExitCode"/> null) or ended.</summary>
public sealed record RunLifeEvent : LiveEvent
{
    /// <summary>The command, e.g. <c>demo</c> or <c>train</c>.</summary>
    public required string Command { get; init; }
    /// <summary>The command line after the program name.</summary>
    public required string Arguments { get; init; }
    public required int ProcessId { get; init; }
    /// <summary>The exit code once the command ended; null while it runs.</summary>
    public int? ExitCode { get; init; }
}

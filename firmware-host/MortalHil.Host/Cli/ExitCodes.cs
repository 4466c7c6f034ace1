namespace MortalHil.Host.Cli;

/// <summary>
/// The program's exit codes, the same for every command (README, "Command-line conventions").
/// </summary>
public static class ExitCodes
{
    /// <summary>Done as asked.</summary>
    public const int Success = 0;
    /// <summary>The command ran to its end but its result is a failure it reports (a handover that failed, a broken stress invariant).</summary>
    public const int Failed = 1;
    /// <summary>Bad input: an option, an argument or an input file the program refuses (one line naming it).</summary>
    public const int BadInput = 2;
    /// <summary>A board failed or timed out.</summary>
    public const int BoardFailure = 3;
    /// <summary>A file could not be written, read or locked (permissions, disk full, held by another process).</summary>
    public const int IoFailure = 4;
    /// <summary>The fleet (its Redis store or every silo) could not be reached.</summary>
    public const int FleetUnreachable = 5;
    /// <summary>A fault in the program itself: an exception nobody expected. Reported in one line; <c>MORTALHIL_DEBUG=1</c> adds the stack trace.</summary>
    public const int InternalError = 70;
    /// <summary>Stopped by Ctrl-C or SIGTERM (128 + SIGINT).</summary>
    public const int Interrupted = 130;
    /// <summary>Stopped by SIGTERM (128 + 15), boards left safe.</summary>
    public const int Terminated = 143;

    /// <summary>Every code a command can return.</summary>
    public static IReadOnlySet<int> Documented { get; } = new HashSet<int> { Success, Failed, BadInput, BoardFailure, IoFailure, FleetUnreachable, InternalError, Interrupted, Terminated };
}

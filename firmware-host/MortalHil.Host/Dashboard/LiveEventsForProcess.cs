using MortalHil.Core.Live;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// Gives a command run from the command line its live event log, so a dashboard in another process can follow it.
/// The log file appears only if the command publishes something; the dashboard itself publishes nothing.
/// </summary>
public static class LiveEventsForProcess
{
    /// <summary>Starts publishing for this process; null when live events are turned off.</summary>
    public static LiveEventLog? Start(string[] args)
    {
        var dir = LiveDirectory.Resolve();
        if (dir is null || args.Length == 0 || args[0] == "dashboard") return null;
        var log = new LiveEventLog(dir, args[0], string.Join(' ', args), Console.Error);
        LiveEvents.UseForProcess(log);
        return log;
    }
}

namespace MortalHil.Core.Live;

/// <summary>
/// The process's live event stream, in the manner of <see cref="System.Diagnostics.Activity.Current"/>: code deep in a
/// run (a training loop, a health watch, a handover) publishes without a sink being passed down to it, so commands
/// need no plumbing. The sink is set once per process by the program (<see cref="UseForProcess"/>) or for one flow of
/// work by a test or an embedding host (<see cref="Use"/>, which follows async calls and parallel loops). With no sink
/// nothing is published and the publishers skip the work of building events (<see cref="IsActive"/>).
/// </summary>
public static class LiveEvents
{
    private static readonly AsyncLocal<ILiveEventSink?> Scoped = new();
    private static ILiveEventSink? _process;

    private static ILiveEventSink? Current => Scoped.Value ?? Volatile.Read(ref _process);

    /// <summary>True when someone listens; publishers check it before building an event.</summary>
    public static bool IsActive => Current is not null;

    public static void Publish(LiveEvent e) => Current?.Publish(e);

    /// <summary>True (once) when an operator asked for a handover of this board.</summary>
    public static bool TakeHandoverRequest(string boardKind, string serial) => Current?.TakeHandoverRequest(boardKind, serial) ?? false;

    /// <summary>Sends this flow's events (and those of work it starts) to <paramref name="sink"/> until disposed.</summary>
    public static IDisposable Use(ILiveEventSink sink)
    {
        var previous = Scoped.Value;
        Scoped.Value = sink;
        return new Restore(() => Scoped.Value = previous);
    }

    /// <summary>Sends every flow's events without a scoped sink to <paramref name="sink"/> until disposed.</summary>
    public static IDisposable UseForProcess(ILiveEventSink sink)
    {
        var previous = Interlocked.Exchange(ref _process, sink);
        return new Restore(() => Volatile.Write(ref _process, previous));
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) undo();
        }
    }
}

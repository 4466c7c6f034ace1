using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Fleet.Handover.Journal;

/// <summary>
/// The coordinator's end of a journal kept on another node (<see cref="HandoverJournalGrain"/>): Core's
/// <see cref="IHandoverJournal"/> over grain calls. Every call is bounded; one lost on the way (a slow or briefly cut-off node)
/// is sent again, a write with its number so the journal applies it once. A node that stays unreachable for
/// <see cref="Patience"/> ends the attempt with <see cref="JournalUnreachableException"/>; an ended session
/// (<see cref="JournalSessionLostException"/>) or a refusal by the journal itself ends it at once. Either way nothing is left
/// half-written: the journal holds whole steps only, and the next attempt goes on from them.
/// </summary>
public sealed class RemoteHandoverJournal : IHandoverJournal
{
    private readonly IHandoverJournalGrain _grain;
    private readonly string _node;
    private readonly string _id;
    private readonly Guid _session;
    private long _writes;

    /// <summary>How long a journal call may keep failing for want of the node before the attempt stops.</summary>
    public static TimeSpan Patience { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Bound on one call (a journal step is one local SQLite transaction: milliseconds, seconds on a starved node).</summary>
    public static TimeSpan CallBound { get; set; } = TimeSpan.FromSeconds(30);

    private RemoteHandoverJournal(IHandoverJournalGrain grain, string node, string id, JournalOpening opening)
    {
        _grain = grain;
        _node = node;
        _id = id;
        _session = opening.Session;
        Path = $"{opening.Node}:{opening.File}";
        Attempt = opening.Attempt;
        Resumed = opening.Resumed;
    }

    /// <summary>Opens the journal of handover <paramref name="id"/> kept on <paramref name="node"/> (creating it there), as a new attempt.</summary>
    public static RemoteHandoverJournal Open(IGrainFactory grains, string node, string id, IReadOnlyDictionary<string, string> fingerprint)
    {
        var grain = grains.GetGrain<IHandoverJournalGrain>($"{node}/{id}");
        var print = new Dictionary<string, string>(fingerprint, StringComparer.Ordinal);
        var opening = Retry(node, id, "open", () => grain.Open(print));
        return new RemoteHandoverJournal(grain, node, id, opening);
    }

    public string Path { get; }
    public int Attempt { get; }
    public bool Resumed { get; }

    public int AttemptCount => Call(() => _grain.AttemptCount(_session), "read");
    public HandoverState State => HandoverStateNames.Parse(Call(() => _grain.State(_session), "read"));
    public IReadOnlyList<StateTransition> Transitions() => Call(() => _grain.Transitions(_session), "read");
    public long TeacherQueries(QueryPurpose? purpose = null) => Call(() => _grain.TeacherQueries(_session, purpose is { } p ? (int)p : null), "read");
    public IReadOnlyList<TeacherBatch> TeacherOutputs() => Call(() => _grain.TeacherOutputs(_session), "read");
    public HandoverCheckpoint? LatestCheckpoint() => Call(() => _grain.LatestCheckpoint(_session), "read");
    public TimeSpan? LatestTeacherBoardTime() => Call(() => _grain.LatestTeacherBoardTime(_session), "read");
    public IReadOnlyList<HandoverRound> Rounds() => Call(() => _grain.Rounds(_session), "read");
    public IReadOnlyList<JournalEvent> Events(string? kind = null) => Call(() => _grain.Events(_session, kind), "read");

    public void Transition(HandoverState to, string reason, TimeSpan boardTime) =>
        Write(n => _grain.Transition(_session, n, to.Name(), reason, boardTime));
    public void RecordQueryIntent(QueryPurpose purpose, int batch, int count) =>
        Write(n => _grain.RecordQueryIntent(_session, n, (int)purpose, batch, count));
    public void AppendTeacherOutputs(int batch, long firstIndex, int count, int classes, ReadOnlySpan<float> logits)
    {
        var copy = logits.ToArray();
        Write(n => _grain.AppendTeacherOutputs(_session, n, batch, firstIndex, count, classes, copy));
    }
    public void AppendCheckpoint(HandoverCheckpoint checkpoint) => Write(n => _grain.AppendCheckpoint(_session, n, checkpoint));
    public void AppendRound(HandoverRound round) => Write(n => _grain.AppendRound(_session, n, round));
    public void AppendEvent(string kind, string detail, TimeSpan boardTime) => Write(n => _grain.AppendEvent(_session, n, kind, detail, boardTime));

    /// <summary>Ends the session (the node closes the file and releases its lock); a node that cannot be reached closes it when it deactivates the journal or restarts.</summary>
    public void Dispose()
    {
        try { _grain.Close(_session).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult(); }
        catch (Exception) { /* the next Open ends this session anyway */ }
    }

    private void Write(Func<long, Task> write)
    {
        long n = ++_writes; // the same number on every resend
        Call(async () => { await write(n).ConfigureAwait(false); return true; }, "write");
    }

    private T Call<T>(Func<Task<T>> call, string what) => Retry(_node, _id, what, call);

    private static T Retry<T>(string node, string id, string what, Func<Task<T>> call)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return call().WaitAsync(CallBound).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is JournalSessionLostException or JournalRefusedException)
            {
                throw;
            }
            catch (Exception e)
            {
                // Not an answer from the journal: the call or its answer was lost (the node is down, cut off or starved).
                if (DateTime.UtcNow >= until)
                    throw new JournalUnreachableException(
                        $"the journal of handover {id} is kept on node {node}, which has not answered a journal {what} for {Patience.TotalSeconds:F0} s " +
                        $"(unreachable, not known to be dead; the handover goes on from the journal once the node is back): {e.GetType().Name}: {FirstLine(e.Message)}", e);
                Thread.Sleep(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();
}

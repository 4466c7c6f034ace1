using MortalHil.Core.Mortality.Handover;
using MortalHil.Fleet.Placement;
using Orleans.Runtime;

namespace MortalHil.Fleet.Handover.Journal;

/// <summary>
/// A handover journal on the disk of the node its key names (<c>NODE/ID</c>), reached by the handover's coordinator wherever
/// that runs.
/// </summary>
/// <remarks>
/// Why this shape: a lab of Raspberry Pis has no folder every node can reach, and SQLite over shared network storage needs
/// locks that network file systems do not reliably give (sqlite.org/useovernet.html). So the journal stays an ordinary
/// local <see cref="HandoverJournal"/> file, Core's one source of truth, on one node (by default the student's: the student
/// is what survives the handover, and it is useless without that node anyway), and only its calls travel. The grain is
/// placed only on that node (<see cref="OnNodePlacementAttribute"/>): when the node is gone the journal is unreachable, never
/// re-created empty elsewhere. The file's own guarantees hold unchanged, because every step is still one local transaction.
/// What crossing the network adds is handled here (<see cref="JournalSessions"/>): (1) one writer: <see cref="Open"/> starts a session and ends the one
/// before it, and calls of an ended session are refused (a coordinator presumed dead that still runs cannot interleave its
/// steps with its successor's); (2) exactly-once writes: each write carries its number in the session, and a write sent
/// again because its answer was lost is answered from its first outcome instead of being journaled twice; (3) a restart of
/// this node forgets its sessions, so the coordinator stops that attempt and a new attempt resumes from the file, as after
/// a crash of a process holding the journal.
/// </remarks>
[OnNodePlacement]
internal sealed class HandoverJournalGrain(NodeJournalFolder folder, ILocalSiloDetails silo) : Grain, IHandoverJournalGrain
{
    private JournalSessions? _sessions;

    private string Key => this.GetPrimaryKeyString();
    private string Id => Key[(OnNodePlacementDirector.NodeOf(Key).Length + 1)..];
    private JournalSessions Sessions => _sessions ??= new JournalSessions($"journal of handover {Id} on node {silo.Name}");

    public Task<JournalOpening> Open(Dictionary<string, string> fingerprint)
    {
        if (Id.Length == 0 || Id.Contains('/') || Id.Any(char.IsWhiteSpace)) throw new JournalRefusedException($"'{Id}' cannot name a handover journal");
        return Task.FromResult(Sessions.Open(folder.JournalOf(Id), fingerprint, silo.Name));
    }

    public Task Close(Guid session)
    {
        Sessions.Close(session);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _sessions?.Dispose();
        return Task.CompletedTask;
    }

    private Task<T> Read<T>(Guid session, Func<HandoverJournal, T> read) => Task.FromResult(Sessions.Read(session, read));

    private Task Write(Guid session, long write, Action<HandoverJournal> apply)
    {
        Sessions.Write(session, write, apply);
        return Task.CompletedTask;
    }

    public Task<int> AttemptCount(Guid session) => Read(session, j => j.AttemptCount);
    public Task<string> State(Guid session) => Read(session, j => j.State.Name());
    public Task<StateTransition[]> Transitions(Guid session) => Read(session, j => j.Transitions().ToArray());
    public Task<long> TeacherQueries(Guid session, int? purpose) => Read(session, j => j.TeacherQueries(purpose is { } p ? (QueryPurpose)p : null));
    public Task<TeacherBatch[]> TeacherOutputs(Guid session) => Read(session, j => j.TeacherOutputs().ToArray());
    public Task<HandoverCheckpoint?> LatestCheckpoint(Guid session) => Read(session, j => j.LatestCheckpoint());
    public Task<TimeSpan?> LatestTeacherBoardTime(Guid session) => Read(session, j => j.LatestTeacherBoardTime());
    public Task<HandoverRound[]> Rounds(Guid session) => Read(session, j => j.Rounds().ToArray());
    public Task<JournalEvent[]> Events(Guid session, string? kind) => Read(session, j => j.Events(kind).ToArray());

    public Task Transition(Guid session, long write, string to, string reason, TimeSpan boardTime) =>
        Write(session, write, j => j.Transition(HandoverStateNames.Parse(to), reason, boardTime));
    public Task RecordQueryIntent(Guid session, long write, int purpose, int batch, int count) =>
        Write(session, write, j => j.RecordQueryIntent((QueryPurpose)purpose, batch, count));
    public Task AppendTeacherOutputs(Guid session, long write, int batch, long firstIndex, int count, int classes, float[] logits) =>
        Write(session, write, j => j.AppendTeacherOutputs(batch, firstIndex, count, classes, logits));
    public Task AppendCheckpoint(Guid session, long write, HandoverCheckpoint checkpoint) => Write(session, write, j => j.AppendCheckpoint(checkpoint));
    public Task AppendRound(Guid session, long write, HandoverRound round) => Write(session, write, j => j.AppendRound(round));
    public Task AppendEvent(Guid session, long write, string kind, string detail, TimeSpan boardTime) =>
        Write(session, write, j => j.AppendEvent(kind, detail, boardTime));
}

using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Fleet.Handover.Journal;

/// <summary>
/// A handover journal kept on one node's own disk (key <c>NODE/ID</c>: the node, and the handover), for a coordinator on
/// any node (see <see cref="HandoverJournalGrain"/>). Every call but <see cref="Open"/> names the session <see cref="Open"/>
/// returned; a write also carries its number in that session, so a write sent again after its answer was lost is
/// answered from the first time, never journaled twice.
/// </summary>
public interface IHandoverJournalGrain : IGrainWithStringKey
{
    /// <summary>Opens the journal (creating it), records a new attempt and starts a new session; any earlier session ends.</summary>
    Task<JournalOpening> Open(Dictionary<string, string> fingerprint);

    /// <summary>Ends the session and closes the journal file (releasing its lock).</summary>
    Task Close(Guid session);

    Task<int> AttemptCount(Guid session);
    Task<string> State(Guid session);
    Task<StateTransition[]> Transitions(Guid session);
    Task<long> TeacherQueries(Guid session, int? purpose);
    Task<TeacherBatch[]> TeacherOutputs(Guid session);
    Task<HandoverCheckpoint?> LatestCheckpoint(Guid session);
    Task<TimeSpan?> LatestTeacherBoardTime(Guid session);
    Task<HandoverRound[]> Rounds(Guid session);
    Task<JournalEvent[]> Events(Guid session, string? kind);

    Task Transition(Guid session, long write, string to, string reason, TimeSpan boardTime);
    Task RecordQueryIntent(Guid session, long write, int purpose, int batch, int count);
    Task AppendTeacherOutputs(Guid session, long write, int batch, long firstIndex, int count, int classes, float[] logits);
    Task AppendCheckpoint(Guid session, long write, HandoverCheckpoint checkpoint);
    Task AppendRound(Guid session, long write, HandoverRound round);
    Task AppendEvent(Guid session, long write, string kind, string detail, TimeSpan boardTime);
}

/// <summary>A session of a journal on a node: its id, the journal file there, and the attempt it recorded.</summary>
[GenerateSerializer, Immutable]
public sealed record JournalOpening(
    [property: Id(0)] Guid Session,
    [property: Id(1)] string Node,
    [property: Id(2)] string File,
    [property: Id(3)] int Attempt,
    [property: Id(4)] bool Resumed);

/// <summary>
/// The session a coordinator journals through has ended: another coordinator opened the journal since (this one was
/// presumed dead), or the journal's node restarted. The coordinator stops this attempt; the handover resumes from the journal.
/// </summary>
[GenerateSerializer]
public sealed class JournalSessionLostException(string message) : Exception(message);

/// <summary>The node that keeps a handover's journal cannot be reached (it may be down or cut off; it is not known to be dead).</summary>
public sealed class JournalUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A journal call the journal itself refused (not a transport problem): sent again it would be refused again.</summary>
[GenerateSerializer]
public sealed class JournalRefusedException(string message) : Exception(message);

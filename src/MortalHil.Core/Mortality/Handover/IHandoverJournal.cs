namespace MortalHil.Core.Mortality.Handover;

/// <summary>
/// What a <see cref="HandoverRun"/> needs of its journal. <see cref="HandoverJournal"/> (an append-only SQLite file on the
/// machine that runs the handover) is the one implementation that stores anything; another implementation may only carry
/// these calls to a <see cref="HandoverJournal"/> elsewhere (a fleet node's own disk), so the journal's guarantees (every
/// step one transaction, rows only appended, one writer at a time, a batch journaled once) stay those of the file.
/// </summary>
/// <remarks>
/// A call that throws may or may not have been committed, exactly as with a process killed during it: the caller gives up
/// the attempt and a later one reopens the journal and goes on from what it holds.
/// </remarks>
public interface IHandoverJournal : IDisposable
{
    /// <summary>Where the journal lives (a file, or NODE:file for one on another machine).</summary>
    string Path { get; }

    /// <summary>This attempt's number: 1 for a fresh journal, one more for each reopening.</summary>
    int Attempt { get; }

    /// <summary>True when this attempt continues a journal an earlier attempt wrote.</summary>
    bool Resumed { get; }

    /// <summary>Number of attempts that opened the journal, including this one.</summary>
    int AttemptCount { get; }

    /// <summary>The latest journaled state (Serving for a fresh journal).</summary>
    HandoverState State { get; }

    /// <summary>Journals a state change; refuses a change the state machine does not allow.</summary>
    void Transition(HandoverState to, string reason, TimeSpan boardTime);

    /// <summary>Every state change, oldest first.</summary>
    IReadOnlyList<StateTransition> Transitions();

    /// <summary>Journals, before asking, that the teacher is about to be asked <paramref name="count"/> queries.</summary>
    void RecordQueryIntent(QueryPurpose purpose, int batch, int count);

    /// <summary>Teacher queries over all attempts (null purpose: all purposes).</summary>
    long TeacherQueries(QueryPurpose? purpose = null);

    /// <summary>Journals one batch of teacher logits; a second copy of a batch is refused.</summary>
    void AppendTeacherOutputs(int batch, long firstIndex, int count, int classes, ReadOnlySpan<float> logits);

    /// <summary>Every journaled teacher batch in batch order.</summary>
    IReadOnlyList<TeacherBatch> TeacherOutputs();

    /// <summary>Journals a student checkpoint.</summary>
    void AppendCheckpoint(HandoverCheckpoint checkpoint);

    /// <summary>The newest checkpoint, or null if none was taken.</summary>
    HandoverCheckpoint? LatestCheckpoint();

    /// <summary>The teacher's clock at the newest checkpoint that read it, or null.</summary>
    TimeSpan? LatestTeacherBoardTime();

    /// <summary>Journals one handover round.</summary>
    void AppendRound(HandoverRound round);

    /// <summary>Every journaled round over all attempts, in journal order.</summary>
    IReadOnlyList<HandoverRound> Rounds();

    /// <summary>Journals an event that is not a state change.</summary>
    void AppendEvent(string kind, string detail, TimeSpan boardTime);

    /// <summary>Journaled events, optionally of one kind only.</summary>
    IReadOnlyList<JournalEvent> Events(string? kind = null);
}

using MortalHil.Core.Devices;

namespace MortalHil.Stress.Ports;

/// <summary>How a handover process ended (when it ended without an exception).</summary>
public enum HandoverEnd
{
    /// <summary>The student took over; the teacher is retired.</summary>
    Retired,
    /// <summary>
    /// The handover could not complete: the student board died (the journal's teacher outputs remain for
    /// another student), or the teacher died before anything was handed on.
    /// </summary>
    Failed,
}

/// <summary>What a handover is started or resumed with.</summary>
/// <param name="JournalPath">The handover's journal; created if missing, resumed if present.</param>
/// <param name="HandoverId">Stable name of this handover (the same across resumes).</param>
/// <param name="Teacher">The serving model on the old board, or null when the host knows it is dead.</param>
/// <param name="Student">The board to teach.</param>
/// <param name="Seed">Seed of the transfer set, minibatches and the student's mapping (the same across resumes).</param>
/// <param name="InheritLessonFrom">The journal of an earlier attempt whose student died: its teacher outputs teach this student.</param>
/// <param name="PrimeLessonsPath">Lessons recorded from the teacher at its prime, learnt beside live queries; null: none.</param>
/// <param name="TeacherHealthyCanary">The teacher's healthy canary level from its monitor, when known: the student is verified against it.</param>
/// <param name="LineageBestCanary">The best healthy canary level of the teacher's lineage, when known (the lineage budget's reference).</param>
public sealed record HandoverOpening(string JournalPath, string HandoverId, IServingModel? Teacher, IDevice Student, int Seed, string? InheritLessonFrom = null,
    double? TeacherHealthyCanary = null, string? PrimeLessonsPath = null, double? LineageBestCanary = null);

/// <summary>One journaled batch of teacher outputs: a hash of its content and how many transfer examples it answers.</summary>
public readonly record struct JournaledBatch(ulong Hash, int Examples);

/// <summary>What a journal holds: teacher outputs by batch and the student's latest checkpointed step.</summary>
/// <param name="TeacherOutputs">Journaled teacher output batches by batch index.</param>
/// <param name="StudentSteps">Training steps of the newest student checkpoint (0 when none).</param>
public sealed record JournalView(IReadOnlyDictionary<int, JournaledBatch> TeacherOutputs, long StudentSteps)
{
    /// <summary>A journal that does not exist yet.</summary>
    public static JournalView Empty { get; } = new(new Dictionary<int, JournaledBatch>(), 0);

    /// <summary>Teacher outputs (transfer examples) journaled.</summary>
    public long Examples => TeacherOutputs.Values.Sum(b => (long)b.Examples);
}

/// <summary>What one handover journal says it cost and carried.</summary>
/// <param name="TeacherQueries">Teacher queries over all attempts (transfer and canary).</param>
/// <param name="CollectedExamples">Transfer examples whose teacher outputs are journaled.</param>
/// <param name="BitsTransferred">Bits of soft targets actually sent (payload).</param>
/// <param name="Attempts">Processes that worked on this journal.</param>
/// <param name="TeacherDied">The journal records the teacher's death.</param>
public sealed record HandoverAccount(long TeacherQueries, long CollectedExamples, double BitsTransferred, int Attempts, bool TeacherDied);

/// <summary>
/// One journaled board-to-board handover. <see cref="Run"/> drives it to its end; the runner injects faults
/// through the boards' links (a host kill unwinds <see cref="Run"/> from inside any device call, as a killed
/// process would stop), abandons the process, and opens a new one on the same journal: it must resume
/// without losing journaled teacher outputs or student progress.
/// </summary>
public interface IHandoverProcess : IDisposable
{
    /// <summary>
    /// Runs from wherever the journal stands to the end. Throws what the boards' links throw when the host
    /// is killed (<see cref="Faults.HostCrashedException"/>) or a link is lost (<see cref="IOException"/>).
    /// </summary>
    HandoverEnd Run();

    /// <summary>What this process found in the journal when it opened it (what it resumes from).</summary>
    JournalView SeenAtOpen { get; }

    /// <summary>The trained student after <see cref="HandoverEnd.Retired"/>; usable after <see cref="IDisposable.Dispose"/>.</summary>
    IServingModel? Student { get; }

    /// <summary>Why the process ended as it did (the journal's last reason); null when it says nothing.</summary>
    string? EndReason => null;

    /// <summary>Costs and contents of the journal as of now.</summary>
    HandoverAccount Account();
}

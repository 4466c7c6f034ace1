using MortalHil.Core.Devices;

namespace MortalHil.Stress.Ports;

/// <summary>Where a handover stands, in the order it goes through them.</summary>
public enum HandoverPhase
{
    /// <summary>Collecting the teacher's soft outputs on the transfer set (the teacher keeps serving).</summary>
    Distilling = 0,
    /// <summary>Training the student on-chip from the collected outputs (the teacher keeps serving while alive).</summary>
    Training = 1,
    /// <summary>The student serves; the teacher is retired.</summary>
    CutOver = 2,
    /// <summary>Nothing usable was collected before the teacher died: no student can be made from this journal.</summary>
    Failed = 3,
}

/// <summary>What a handover is started or resumed with.</summary>
/// <param name="JournalPath">The handover's journal; created if missing, resumed if present.</param>
/// <param name="HandoverId">Stable name of this handover (same across resumes).</param>
/// <param name="Teacher">The serving model on the dying board, or null when the host knows the teacher is dead.</param>
/// <param name="Student">A fresh board to teach. A different board than in the journal means a new student (the old one died).</param>
/// <param name="Seed">Seed for everything random in the handover (transfer set, minibatches, pulse ids).</param>
public sealed record HandoverOpening(string JournalPath, string HandoverId, IServingModel? Teacher, IDevice Student, ulong Seed);

/// <summary>
/// One board-to-board handover (distil teacher into student, then cut over) driven step by step by the
/// stress runner, so that faults can be injected between and inside steps. Every step is journaled: a
/// process abandoned at any moment (host crash) and opened again on the same journal must resume
/// without losing journaled teacher outputs or student progress, and without applying a pulse twice.
/// </summary>
public interface IHandoverProcess : IDisposable
{
    /// <summary>Current phase.</summary>
    HandoverPhase Phase { get; }

    /// <summary>Steps left until cut over if nothing goes wrong (an estimate; used to place injected faults).</summary>
    int RemainingSteps { get; }

    /// <summary>
    /// Does one bounded unit of work and journals it. A teacher that dies is absorbed (the student goes on
    /// from what was collected). Throws <see cref="DeviceFailedException"/> when the student died,
    /// <see cref="IOException"/> when a board's link is lost.
    /// </summary>
    HandoverPhase Step();

    /// <summary>The teacher outputs this process knows (transfer index -> content hash): after a resume, what it loaded from the journal.</summary>
    IReadOnlyDictionary<int, ulong> TeacherOutputsSeen { get; }

    /// <summary>Training steps this process counts as done on its current student.</summary>
    int StudentStepsSeen { get; }

    /// <summary>True once the teacher has been found dead (from a device error or the journal).</summary>
    bool TeacherLost { get; }

    /// <summary>The trained student, once <see cref="Phase"/> is <see cref="HandoverPhase.CutOver"/>.</summary>
    IServingModel? Student { get; }
}

/// <summary>What a journal holds, read independently of any process (the host crash check).</summary>
/// <param name="TeacherOutputs">Committed teacher outputs: transfer index -> content hash.</param>
/// <param name="StudentSteps">Committed training steps per student board serial.</param>
public sealed record JournalView(IReadOnlyDictionary<int, ulong> TeacherOutputs, IReadOnlyDictionary<string, int> StudentSteps)
{
    /// <summary>An empty or missing journal.</summary>
    public static JournalView Empty { get; } = new(new Dictionary<int, ulong>(), new Dictionary<string, int>());
}

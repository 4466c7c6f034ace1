namespace MortalHil.Fleet.Handover;

/// <summary>
/// A handover asked of the fleet: distil the teacher board's knowledge into the student board, both named
/// <c>NODE/SERIAL</c> (they may sit on different nodes). Kept in Redis with the coordinator's state, so any silo can pick
/// it up.
/// </summary>
/// <param name="Id">Names the handover (and its journal).</param>
/// <param name="Scenario">The stress scenario (as <see cref="Stress.LineageWire"/> JSON) whose task, network, policy and budgets the
/// handover uses; the teacher is commissioned on that task first when it has no network yet.</param>
/// <param name="TeacherBoard">The teacher, NODE/SERIAL.</param>
/// <param name="StudentBoard">The student, NODE/SERIAL.</param>
/// <param name="JournalNode">The node whose own disk keeps the handover journal (in its journal folder); the coordinator, wherever
/// it runs, journals through that node (see <see cref="Journal.HandoverJournalGrain"/>). Usually the student's node.</param>
/// <param name="Seed">Seed of the teacher's commissioning, the transfer set and the student's mapping and trainer.</param>
/// <param name="Pace">Wall time each handover round waits (a real handover is paced by live traffic; 0: none).</param>
[GenerateSerializer, Immutable]
public sealed record HandoverOrder(
    [property: Id(0)] string Id,
    [property: Id(1)] byte[] Scenario,
    [property: Id(2)] string TeacherBoard,
    [property: Id(3)] string StudentBoard,
    [property: Id(4)] string JournalNode,
    [property: Id(5)] int Seed,
    [property: Id(6)] TimeSpan Pace)
{
    /// <summary>True when <paramref name="other"/> asks for the same handover.</summary>
    public bool SameAs(HandoverOrder other) => Id == other.Id && Scenario.AsSpan().SequenceEqual(other.Scenario) && TeacherBoard == other.TeacherBoard
        && StudentBoard == other.StudentBoard && JournalNode == other.JournalNode && Seed == other.Seed && Pace == other.Pace;
}

/// <summary>Where a fleet handover stands, as its coordinator reports it.</summary>
/// <param name="Id">The handover.</param>
/// <param name="Coordinator">The node whose silo runs the coordination now.</param>
/// <param name="State">The journal's state name (serving, distilling, cut_over, retired, failed), or "commissioning" before the journal starts.</param>
/// <param name="Final">True once the handover reached retired or failed.</param>
/// <param name="Attempt">The journal's attempt number of the coordinator now running (1, then one more for each resume).</param>
/// <param name="CollectedExamples">Teacher outputs journaled so far.</param>
/// <param name="StudentSteps">Training steps the student has taken.</param>
/// <param name="StudentCanary">The student's latest canary accuracy.</param>
/// <param name="TeacherCanary">The teacher's latest canary accuracy.</param>
/// <param name="Reason">Why the latest state was entered.</param>
/// <param name="Error">Why the latest run stopped short (it is tried again at the next call), or null.</param>
/// <param name="Journal">Where the journal is kept, NODE:FILE (null until the coordinator opened it).</param>
/// <param name="Waiting">What the coordinator is waiting for right now (the fleet's store while Redis is down), or null.</param>
[GenerateSerializer, Immutable]
public sealed record HandoverReport(
    [property: Id(0)] string Id,
    [property: Id(1)] string Coordinator,
    [property: Id(2)] string State,
    [property: Id(3)] bool Final,
    [property: Id(4)] int Attempt,
    [property: Id(5)] long CollectedExamples,
    [property: Id(6)] long StudentSteps,
    [property: Id(7)] double? StudentCanary,
    [property: Id(8)] double? TeacherCanary,
    [property: Id(9)] string? Reason,
    [property: Id(10)] string? Error,
    [property: Id(11)] string? Journal = null,
    [property: Id(12)] string? Waiting = null);

/// <summary>The coordinator's durable state (in Redis): the order, the teacher's network once commissioned, the final report.</summary>
[GenerateSerializer]
public sealed class HandoverCoordinatorState
{
    [Id(0)] public HandoverOrder? Order { get; set; }
    [Id(1)] public byte[]? TeacherNetwork { get; set; }
    [Id(2)] public HandoverReport? Final { get; set; }
}

/// <summary>
/// Coordinates one handover between boards anywhere in the fleet. Key: <c>NODE/ID</c>, NODE being where it should run while
/// that node is up; it moves to another silo when that one dies, and resumes from the journal.
/// </summary>
public interface IHandoverCoordinatorGrain : IGrainWithStringKey
{
    /// <summary>Records the order (once; the same order again is accepted, another one refused) and starts or resumes the work.</summary>
    Task<HandoverReport> Start(HandoverOrder order);

    /// <summary>Where the handover stands; resumes it if its coordinator was lost (the call itself brings the grain back up).</summary>
    Task<HandoverReport> Status();
}

namespace MortalHil.Core.Mortality.Handover;

/// <summary>What a teacher query was for (all are counted; the purposes are reported apart).</summary>
public enum QueryPurpose
{
    /// <summary>Soft targets on the transfer set: the lesson itself.</summary>
    Transfer = 0,
    /// <summary>Canary-set checks of the teacher's accuracy.</summary>
    Canary = 1,
}

/// <summary>One journaled batch of teacher outputs: logits for transfer examples [FirstIndex, FirstIndex + Count).</summary>
public sealed record TeacherBatch(int Batch, long FirstIndex, int Count, int Classes, float[] Logits, int Attempt);

/// <summary>
/// A student checkpoint: everything needed to continue teaching it after a crash.
/// </summary>
/// <param name="TrainerStep">Training steps the student had taken.</param>
/// <param name="StudentBoard">The student board's state (a simulator's board file); null when the board keeps its own state (real hardware).</param>
/// <param name="StudentHost">Host-side state: network mapping, trainer state.</param>
/// <param name="TeacherBoardTime">The teacher's clock at its latest reading (null once it died or if never read): a
/// simulated teacher reopened from its file after a crash is aged to this time, as the real board would have aged.</param>
/// <param name="StudentCanary">Student canary accuracy at this checkpoint.</param>
/// <param name="TeacherCanary">Teacher canary accuracy at its latest check (null if it never answered).</param>
/// <param name="StudentPulses">Pulses the student board has received.</param>
/// <param name="BoardTime">Student board clock.</param>
/// <param name="Round">Handover round at which it was taken.</param>
public sealed record HandoverCheckpoint(
    long TrainerStep, byte[]? StudentBoard, byte[] StudentHost, TimeSpan? TeacherBoardTime,
    double StudentCanary, double? TeacherCanary, long StudentPulses, TimeSpan BoardTime, long Round);

/// <summary>A journaled state change.</summary>
public sealed record StateTransition(long Sequence, int Attempt, HandoverState From, HandoverState To, string Reason, TimeSpan BoardTime);

/// <summary>A journaled event that is not a state change (teacher died, an evaluation, ...).</summary>
public sealed record JournalEvent(long Sequence, int Attempt, string Kind, string Detail, TimeSpan BoardTime);

/// <summary>
/// One round of a handover as journaled: who served, how many requests, how many were right, and
/// the accuracies measured in that round (null when not measured).
/// </summary>
public sealed record HandoverRound(
    long Round, int Attempt, HandoverState State, string ServedBy, int Requests, int Correct,
    double? StudentCanary, double? TeacherCanary, long TrainerStep, int CollectedBatches, TimeSpan BoardTime);

namespace MortalHil.Core.Mortality.Handover;

/// <summary>What a handover achieved, read back from its journal (so it is the same after a resume).</summary>
public sealed record HandoverResult
{
    public required HandoverState State { get; init; }
    /// <summary>True when this process continued a journal an earlier one had started.</summary>
    public required bool Resumed { get; init; }
    /// <summary>Processes that worked on this handover, this one included.</summary>
    public required int Attempts { get; init; }
    /// <summary>Teacher queries over all attempts, transfer and canary together.</summary>
    public required long TeacherQueries { get; init; }
    public required long TeacherTransferQueries { get; init; }
    public required long TeacherCanaryQueries { get; init; }
    /// <summary>Transfer examples whose teacher outputs are journaled.</summary>
    public required long CollectedExamples { get; init; }
    public required int TransferExamples { get; init; }
    public required bool TeacherDied { get; init; }
    public required long StudentSteps { get; init; }
    public required long StudentPulses { get; init; }
    /// <summary>Student canary accuracy at the latest check.</summary>
    public required double? StudentCanary { get; init; }
    /// <summary>Teacher canary accuracy when the handover began, and at its latest check.</summary>
    public required double? TeacherCanaryFirst { get; init; }
    public required double? TeacherCanaryLast { get; init; }
    /// <summary>Why the student took over (or why the handover failed).</summary>
    public required string Reason { get; init; }
    /// <summary>Student board time from the start of distilling to the latest transition.</summary>
    public required TimeSpan HandoverBoardTime { get; init; }
    public required double PayloadBitsPerExample { get; init; }
    public required double InformationBitsPerExample { get; init; }
    public required double LabelBitsPerExample { get; init; }
    public required long ServedByTeacher { get; init; }
    public required long ServedByStudent { get; init; }
    public required long ServedCorrect { get; init; }
    public required IReadOnlyList<StateTransition> Transitions { get; init; }
    /// <summary>Lessons from the teacher's prime the student could learn from (0 without them).</summary>
    public long PrimeExamples { get; init; }
    /// <summary>Share of the student's minibatches drawn from the prime lessons while both sources were there.</summary>
    public double PrimeShare { get; init; }
    /// <summary>Share of transfer examples known from both sources where the live teacher's argmax agrees with its prime's (NaN when none).</summary>
    public double PrimeAgreement { get; init; } = double.NaN;
}

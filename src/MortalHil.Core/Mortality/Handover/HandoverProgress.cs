namespace MortalHil.Core.Mortality.Handover;

/// <summary>A snapshot of a running handover, reported after every round.</summary>
public sealed record HandoverProgress(
    HandoverState State, long Round, long CollectedExamples, int TransferExamples, long StudentSteps, int StudentBudget,
    double? StudentCanary, double? TeacherCanary, bool TeacherAlive, string ServedBy, TimeSpan BoardTime);

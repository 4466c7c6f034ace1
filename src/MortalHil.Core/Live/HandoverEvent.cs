using System.Text.Json.Serialization;

namespace MortalHil.Core.Live;

/// <summary>A handover's state and progress after a round or a transition.</summary>
public sealed record HandoverEvent : LiveEvent
{
    /// <summary>The handover's journal file: unique on this machine.</summary>
    public required string Journal { get; init; }
    public required string Teacher { get; init; }
    public required string Student { get; init; }
    /// <summary>serving, distilling, cut_over, retired or failed.</summary>
    public required string State { get; init; }
    public required long Round { get; init; }
    public required long CollectedExamples { get; init; }
    public required int TransferExamples { get; init; }
    public required long StudentSteps { get; init; }
    public required int StudentBudget { get; init; }
    public required long TeacherQueries { get; init; }
    /// <summary>Soft-target payload sent to the student so far: examples x classes x quantisation bits.</summary>
    public required double BitsSent { get; init; }
    public double? StudentCanary { get; init; }
    public double? TeacherCanary { get; init; }
    public required bool TeacherAlive { get; init; }
    /// <summary>Student board time, hours.</summary>
    public required double BoardHours { get; init; }
    /// <summary>Set on a transition: why.</summary>
    public string? Reason { get; init; }

    [JsonIgnore]
    public override string? CoalesceKey => Reason is null ? $"handover/{Journal}" : null;
}

using System.Text.Json.Serialization;

namespace MortalHil.Core.Live;

/// <summary>One health check of a board and what the predictor made of it, or the board's death.</summary>
public sealed record BoardHealthEvent : LiveEvent
{
    /// <summary>The board's kind as it describes itself (e.g. <c>sim-reram</c>).</summary>
    public required string BoardKind { get; init; }
    public required string Serial { get; init; }
    /// <summary>serving, handover_called, dead, or retired.</summary>
    public required string State { get; init; }
    /// <summary>The board's own clock, hours (a simulated board's age).</summary>
    public double? AgeHours { get; init; }
    public double? CanaryAccuracy { get; init; }
    public double? StuckFraction { get; init; }
    public double? WriteFailureFraction { get; init; }
    public long? TotalPulses { get; init; }
    /// <summary>The indicator with the shortest pessimistic remaining life.</summary>
    public string? LifeIndicator { get; init; }
    /// <summary>Remaining life: the fitted trend's crossing, and the ends of its prediction interval (hours; null: beyond the horizon).</summary>
    public double? LifeMedianHours { get; init; }
    public double? LifeLowerHours { get; init; }
    public double? LifeUpperHours { get; init; }
    public double? LifeConfidence { get; init; }
    /// <summary>Why the state is what it is (the policy's reason, the failure message).</summary>
    public string? Reason { get; init; }

    [JsonIgnore]
    public override string? CoalesceKey => State == "serving" ? $"board/{BoardKind}/{Serial}" : null;
}

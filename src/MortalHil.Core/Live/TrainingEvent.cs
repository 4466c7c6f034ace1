using System.Text.Json.Serialization;

namespace MortalHil.Core.Live;

/// <summary>Progress of on-chip (or digital) training; <see cref="IsCurvePoint"/> marks a point of the learning curve.</summary>
public sealed record TrainingEvent : LiveEvent
{
    /// <summary>The board being trained (kind and serial), or <c>digital</c>.</summary>
    public required string BoardKind { get; init; }
    public required string Serial { get; init; }
    public required int Epoch { get; init; }
    public required int Epochs { get; init; }
    public required long Step { get; init; }
    public required long StepsTotal { get; init; }
    /// <summary>Fractional epochs done (the curve's x).</summary>
    public required double EpochsDone { get; init; }
    public required double TrainAccuracy { get; init; }
    /// <summary>Latest test accuracy measured (null before the first evaluation).</summary>
    public double? TestAccuracy { get; init; }
    public bool IsCurvePoint { get; init; }

    [JsonIgnore]
    public override string? CoalesceKey => IsCurvePoint ? null : $"training/{BoardKind}/{Serial}";
}

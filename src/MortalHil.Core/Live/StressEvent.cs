using System.Text.Json.Serialization;

namespace MortalHil.Core.Live;

/// <summary>Progress of a stress run: lineages finished of those scheduled.</summary>
public sealed record StressEvent : LiveEvent
{
    /// <summary>The stress run's output folder (where stress.json will be).</summary>
    public required string OutDir { get; init; }
    public required string Scenario { get; init; }
    public required int Finished { get; init; }
    public required int Scheduled { get; init; }
    public bool Done { get; init; }

    [JsonIgnore]
    public override string? CoalesceKey => Done ? null : $"stress/{OutDir}";
}

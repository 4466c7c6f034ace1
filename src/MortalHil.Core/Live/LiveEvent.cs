using System.Text.Json.Serialization;

namespace MortalHil.Core.Live;

/// <summary>
/// Something a running command reports as it happens, for watchers such as <c>mortalhil dashboard</c>.
/// Events are observations, never inputs to learning: losing one loses nothing but a point on a page.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(RunLifeEvent), "run")]
[JsonDerivedType(typeof(BoardHealthEvent), "board")]
[JsonDerivedType(typeof(TrainingEvent), "training")]
[JsonDerivedType(typeof(HandoverEvent), "handover")]
[JsonDerivedType(typeof(StressEvent), "stress")]
public abstract record LiveEvent
{
    /// <summary>Wall-clock time (UTC) at which the event was published.</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Events with the same key describe the same thing at successive moments, so a writer may keep only the newest
    /// of several published between two flushes. Null: every event is kept (state transitions, curve points).
    /// </summary>
    [JsonIgnore]
    public virtual string? CoalesceKey => null;
}

namespace MortalHil.Fleet.Stress;

/// <summary>
/// How many lineages a node simulates at once: its cores by default (<see cref="Environment.ProcessorCount"/>, which
/// follows a taskset pinning), fewer when several nodes share one machine's cores (<c>mortalhil node --lineage-slots N</c>).
/// </summary>
public sealed record LineageSlots(int Count)
{
    public static LineageSlots Default => new(Environment.ProcessorCount);

    public int Count { get; } = Count >= 1 ? Count : throw new ArgumentOutOfRangeException(nameof(Count), Count, "a node simulates at least one lineage at once");
}

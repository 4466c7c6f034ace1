namespace MortalHil.Fleet.Stress;

/// <summary>Runs lineage simulations on one node's cores. Key: the node name.</summary>
public interface IStressWorkerGrain : IGrainWithStringKey
{
    /// <summary>Lineages this node simulates at once (its usable cores).</summary>
    Task<int> Slots();

    /// <summary>Runs one lineage of a scenario (both as <see cref="LineageWire"/> JSON) and returns its result.</summary>
    Task<byte[]> RunLineage(byte[] scenario, byte[] job);
}

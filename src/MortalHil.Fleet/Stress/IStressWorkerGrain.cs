namespace MortalHil.Fleet.Stress;

/// <summary>Runs lineage simulations on one node's cores. Key: the node name.</summary>
public interface IStressWorkerGrain : IGrainWithStringKey
{
    /// <summary>Lineages this node simulates at once (its usable cores).</summary>
    Task<int> Slots();

    /// <summary>
    /// Runs one lineage of a scenario and returns its result (<see cref="LineageWire"/> JSON). The scenario is named by
    /// <paramref name="scenarioHash"/> (<see cref="LineageWire.Hash"/>) and travels only when the node may not hold it:
    /// with <paramref name="scenario"/> null, a node that does not hold that scenario answers null, and the caller sends
    /// the call again with the scenario. <paramref name="call"/> names the call, so the caller can ask whether it is
    /// still running here.
    /// </summary>
    Task<byte[]?> RunLineage(ulong scenarioHash, byte[]? scenario, byte[] job, Guid call);

    /// <summary>
    /// The calls this node is running now. A call the caller still waits for that is not listed was lost on the way
    /// (e.g. with the gateway it went through) and will never be answered.
    /// </summary>
    Task<Guid[]> Running();
}

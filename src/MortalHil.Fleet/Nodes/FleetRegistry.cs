namespace MortalHil.Fleet.Nodes;

/// <summary>A node as it registered itself: its boards' specs and serials.</summary>
[GenerateSerializer]
public sealed record NodeRegistration(
    [property: Id(0)] string Node,
    [property: Id(1)] List<NodeBoard> Boards,
    [property: Id(2)] int Cores,
    [property: Id(3)] DateTime RegisteredUtc);

/// <summary>One board of a node.</summary>
[GenerateSerializer, Immutable]
public sealed record NodeBoard([property: Id(0)] string Serial, [property: Id(1)] string Spec);

/// <summary>The fleet's persistent registry (in Redis): every node that ever joined and its boards.</summary>
[GenerateSerializer]
public sealed class FleetRegistryState
{
    [Id(0)] public Dictionary<string, NodeRegistration> Nodes { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// One per fleet (key 0). Its state is kept in Redis, so the grain can be re-activated on any silo after the
/// one holding it dies; a node registers when its silo starts.
/// </summary>
public interface IFleetRegistryGrain : IGrainWithIntegerKey
{
    Task Register(NodeRegistration node);
    Task<List<NodeRegistration>> Nodes();
}

internal sealed class FleetRegistryGrain([PersistentState("registry", Cluster.FleetClusterOptions.StorageName)] IPersistentState<FleetRegistryState> state)
    : Grain, IFleetRegistryGrain
{
    public async Task Register(NodeRegistration node)
    {
        state.State.Nodes[node.Node] = node;
        await state.WriteStateAsync();
    }

    public Task<List<NodeRegistration>> Nodes() => Task.FromResult(state.State.Nodes.Values.OrderBy(n => n.Node, StringComparer.Ordinal).ToList());
}

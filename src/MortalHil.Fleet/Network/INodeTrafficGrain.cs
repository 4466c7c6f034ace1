using MortalHil.Fleet.Placement;

namespace MortalHil.Fleet.Network;

/// <summary>What one node's silo sent on the network. Key: the node name.</summary>
public interface INodeTrafficGrain : IGrainWithStringKey
{
    /// <summary>Bytes of Orleans messages the node's silo process sent so far (<see cref="OrleansTraffic.SentBytes"/>).</summary>
    Task<long> SentBytes();
}

/// <summary>Lives on the node it reports on.</summary>
[OnNodePlacement]
internal sealed class NodeTrafficGrain : Grain, INodeTrafficGrain
{
    public Task<long> SentBytes() => Task.FromResult(OrleansTraffic.SentBytes);
}

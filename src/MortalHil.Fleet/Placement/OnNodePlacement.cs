using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace MortalHil.Fleet.Placement;

/// <summary>
/// Places a grain on the silo of the node named by its key (<c>NODE</c> or <c>NODE/rest</c>): a board grain must
/// live where the board is physically attached, and a node's worker where that node's cores are. If that silo
/// is not in the cluster the activation is refused (<see cref="NodeUnreachableException"/>): a board whose silo is
/// gone is unreachable, never silently re-created elsewhere.
/// </summary>
public sealed class OnNodePlacementStrategy : PlacementStrategy
{
    internal static readonly OnNodePlacementStrategy Instance = new();
}

/// <summary>Marks a grain class as living on the node its key names.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class OnNodePlacementAttribute() : PlacementAttribute(OnNodePlacementStrategy.Instance);

/// <summary>A grain's node has no active silo.</summary>
[GenerateSerializer]
public sealed class NodeUnreachableException(string message) : Exception(message);

/// <summary>Chooses the silo whose name is the node named in the grain key.</summary>
internal sealed class OnNodePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string node = NodeOf(target.GrainIdentity.Key.ToString()!);
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        foreach (var member in membership.CurrentSnapshot.Members.Values)
            if (member.Status == SiloStatus.Active && member.Name == node && compatible.Contains(member.SiloAddress))
                return Task.FromResult(member.SiloAddress);
        throw new NodeUnreachableException($"node '{node}' has no active silo in the cluster");
    }

    /// <summary>The node part of a key: everything before the first '/'.</summary>
    public static string NodeOf(string key)
    {
        int slash = key.IndexOf('/');
        return slash < 0 ? key : key[..slash];
    }
}

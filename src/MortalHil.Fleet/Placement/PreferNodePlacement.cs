using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace MortalHil.Fleet.Placement;

/// <summary>
/// Places a grain on the silo of the node named by its key (<c>NODE/rest</c>) while that node is in the cluster, and on
/// another active silo when it is not: work that may live anywhere (a handover's coordination) starts where it was asked
/// to and moves when that silo dies.
/// </summary>
public sealed class PreferNodePlacementStrategy : PlacementStrategy
{
    internal static readonly PreferNodePlacementStrategy Instance = new();
}

/// <summary>Marks a grain class as preferring the node its key names.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class PreferNodePlacementAttribute() : PlacementAttribute(PreferNodePlacementStrategy.Instance);

internal sealed class PreferNodePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string node = OnNodePlacementDirector.NodeOf(target.GrainIdentity.Key.ToString()!);
        var compatible = context.GetCompatibleSilos(target).ToHashSet();
        var active = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active && compatible.Contains(m.SiloAddress))
            .OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
        if (active.FirstOrDefault(m => m.Name == node) is { } preferred) return Task.FromResult(preferred.SiloAddress);
        if (active.Count > 0) return Task.FromResult(active[0].SiloAddress);
        return Task.FromResult(compatible.First());
    }
}

using MortalHil.Fleet.Boards;
using MortalHil.Fleet.Nodes;
using Orleans.Runtime;

namespace MortalHil.Fleet.Status;

/// <summary>One node in <c>fleet status</c>: whether its silo is in the cluster, and its boards.</summary>
public sealed record NodeStatus(string Node, bool SiloActive, string? SiloAddress, int Cores, IReadOnlyList<BoardReport> Boards);

/// <summary>What <c>fleet status</c> shows.</summary>
public sealed record FleetStatusReport(string ClusterId, DateTime TakenUtc, IReadOnlyList<NodeStatus> Nodes);

/// <summary>
/// Reads the fleet's state: the registry (every node that joined and its boards, from Redis), membership (which
/// silos are active), and each board's health asked of its own node. A board whose node's silo is gone, or does
/// not answer within the bound, is reported unreachable: nothing is known about it, so it is not called dead.
/// </summary>
public static class FleetStatus
{
    public static async Task<FleetStatusReport> ReadAsync(IClusterClient client, string clusterId, TimeSpan? callBound = null, CancellationToken cancel = default)
    {
        var bound = callBound ?? TimeSpan.FromSeconds(5);
        var nodes = await client.GetGrain<IFleetRegistryGrain>(0).Nodes().WaitAsync(TimeSpan.FromSeconds(30), cancel);
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(30), cancel);
        var active = hosts.Where(h => h.Status == SiloStatus.Active).GroupBy(h => h.SiloName).ToDictionary(g => g.Key, g => g.First().SiloAddress.Endpoint.ToString(), StringComparer.Ordinal);
        var result = new List<NodeStatus>();
        foreach (var n in nodes)
        {
            bool up = active.TryGetValue(n.Node, out var address);
            var boards = await Task.WhenAll(n.Boards.Select(async b =>
            {
                if (!up) return Unreachable(n.Node, b, "its node's silo is not in the cluster");
                try
                {
                    var report = await client.GetGrain<IBoardGrain>(BoardKeys.Of(n.Node, b.Serial)).Report().WaitAsync(bound, cancel);
                    return report with { Spec = b.Spec };
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return Unreachable(n.Node, b, e.Message);
                }
            }));
            result.Add(new NodeStatus(n.Node, up, address, n.Cores, boards));
        }
        foreach (var (name, address) in active.Where(a => nodes.All(n => n.Node != a.Key)))
            result.Add(new NodeStatus(name, true, address, 0, [])); // joined but not yet registered
        return new FleetStatusReport(clusterId, DateTime.UtcNow, result.OrderBy(r => r.Node, StringComparer.Ordinal).ToList());
    }

    private static BoardReport Unreachable(string node, NodeBoard b, string why)
        => new(node, b.Serial, b.Spec, "", BoardReachability.Unreachable, 0, 0, 0, why);
}

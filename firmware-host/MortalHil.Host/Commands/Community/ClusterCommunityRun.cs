using MortalHil.Core.Community;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Community;

namespace MortalHil.Host.Commands.Community;

/// <summary><c>experiment community --cluster</c>: the community's boards on the fleet's nodes, the hub here.</summary>
internal static class ClusterCommunityRun
{
    public static IReadOnlyList<CommunityPoint> Run(FleetClusterOptions cluster, CommunitySettings s, IReadOnlyList<int> sizes, IReadOnlyList<ShardKind> kinds,
        int classes, string dataset, string? dataDir, int downsample, string boardSpecPrefix) => Task.Run(async () =>
    {
        await using var client = await FleetClient.ConnectAsync(cluster, TimeSpan.FromSeconds(60), Console.Error);
        ClusterCommunity place;
        try
        {
            place = await ClusterCommunity.StartAsync(client.Client, s, dataset, dataDir, downsample, boardSpecPrefix);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("no silo", StringComparison.Ordinal))
        {
            throw new FleetUnavailableException(e.Message, e);
        }
        Console.Error.WriteLine($"community on nodes {string.Join(", ", place.Nodes)} (board b on node b mod {place.Nodes.Count}); " +
            $"one reading of the network counters costs {place.Traffic.ReadingCost} bytes, taken off each exchange");
        return await CommunityExperiment.RunAsync(place, sizes, kinds, s, classes, Console.Error);
    }).GetAwaiter().GetResult();
}

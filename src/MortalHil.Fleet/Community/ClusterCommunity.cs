using MortalHil.Core.Community;
using MortalHil.Fleet.Network;
using Orleans.Runtime;

namespace MortalHil.Fleet.Community;

/// <summary>
/// A community whose boards live on the nodes of a fleet (board b on node b mod N), with the hub in this client. The
/// bytes that cross the network are measured: Orleans messages sent by this client and by every node
/// (<see cref="FleetTraffic"/>), read just before and after each exchange.
/// </summary>
public sealed class ClusterCommunity : ICommunityPlace
{
    private readonly IClusterClient _client;
    private readonly CommunitySettings _settings;
    private readonly string _dataset, _boardSpecPrefix;
    private readonly string? _dataDir;
    private readonly int _downsample;
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<(SharingMethod, int, ShardKind), List<ICommunityMemberGrain>> _members = [];

    private ClusterCommunity(IClusterClient client, IReadOnlyList<string> nodes, FleetTraffic traffic, CommunitySettings s, string dataset, string? dataDir,
        int downsample, string boardSpecPrefix)
    {
        _client = client;
        Nodes = nodes;
        Traffic = traffic;
        NetworkBytes = traffic.Counter();
        _settings = s;
        _dataset = dataset;
        _dataDir = dataDir;
        _downsample = downsample;
        _boardSpecPrefix = boardSpecPrefix;
    }

    /// <summary>
    /// A community over the fleet's active nodes. <paramref name="boardSpecPrefix"/> is the board kind each node opens,
    /// e.g. <c>sim:reram</c> (a board's serial is appended, the same serial as in-process).
    /// </summary>
    public static async Task<ClusterCommunity> StartAsync(IClusterClient client, CommunitySettings s, string dataset, string? dataDir, int downsample,
        string boardSpecPrefix)
    {
        OrleansTraffic.Start();
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(30));
        var nodes = hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (nodes.Length == 0) throw new InvalidOperationException("no silo of the fleet is active to host the community's boards");
        var traffic = new FleetTraffic(client, nodes);
        await traffic.CalibrateAsync();
        return new ClusterCommunity(client, nodes, traffic, s, dataset, dataDir, downsample, boardSpecPrefix);
    }

    /// <summary>The nodes boards are spread over.</summary>
    public IReadOnlyList<string> Nodes { get; }
    public FleetTraffic Traffic { get; }
    public Func<Task<long>>? NetworkBytes { get; }

    public CommunityHub.Join Joiner(SharingMethod method, int boards, ShardKind kind, string boardTag)
    {
        var members = new List<ICommunityMemberGrain>();
        _members[(method, boards, kind)] = members;
        return async (b, start) =>
        {
            string node = Nodes[b % Nodes.Count];
            var grain = _client.GetGrain<ICommunityMemberGrain>($"{node}/community/{_run}/{method.Name()}-{boards}-{kind.ToString().ToLowerInvariant()}-{b}");
            lock (members) members.Add(grain);
            var join = new CommunityJoin(_settings, method, boards, kind, b, _dataset, _dataDir, _downsample, $"{_boardSpecPrefix}:{boardTag}-{b}");
            await grain.Join(join.ToBytes(), start);
            return new GrainCommunityPeer(b, grain);
        };
    }

    public async Task DismissAsync(SharingMethod method, int boards, ShardKind kind)
    {
        if (_members.Remove((method, boards, kind), out var members)) await Task.WhenAll(members.Select(m => m.Leave()));
    }
}

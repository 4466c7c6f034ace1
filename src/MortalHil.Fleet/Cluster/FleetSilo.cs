using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MortalHil.Core.Devices;
using MortalHil.Fleet.Boards;
using MortalHil.Fleet.Nodes;
using MortalHil.Fleet.Placement;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Ports;
using Orleans.Configuration;

namespace MortalHil.Fleet.Cluster;

/// <summary>What one node runs: its name, its boards, the ports its silo listens on (0 = any free port), and the folder on its own
/// disk for the handover journals it keeps (null: <see cref="Handover.Journal.NodeJournalFolder.Default"/>).</summary>
public sealed record NodeSpec(string Name, IReadOnlyList<string> Boards, int SiloPort = 0, int GatewayPort = 0, string? JournalFolder = null);

/// <summary>A running silo of the fleet and the boards attached to it.</summary>
public sealed class FleetSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private FleetSilo(IHost host, NodeSpec node, LocalBoards boards, int siloPort, int gatewayPort)
    {
        _host = host;
        Node = node;
        Boards = boards;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public NodeSpec Node { get; }
    public LocalBoards Boards { get; }
    public int SiloPort { get; }
    public int GatewayPort { get; }
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// Opens the node's boards with <paramref name="openBoard"/>, starts a silo named after the node (joining the
    /// fleet through Redis) and registers the node and its boards in the fleet registry.
    /// </summary>
    public static async Task<FleetSilo> StartAsync(FleetClusterOptions cluster, NodeSpec node, Func<string, IDevice> openBoard,
        StressToolkitFactory? toolkits = null, TextWriter? log = null, Stress.LineageSlots? lineageSlots = null, CancellationToken cancel = default)
    {
        if (string.IsNullOrWhiteSpace(node.Name) || node.Name.Contains('/'))
            throw new ArgumentException($"node name '{node.Name}' must be non-empty and contain no '/'");
        var redis = cluster.RedisConfiguration();
        var boards = new LocalBoards(node.Name);
        try
        {
            foreach (var spec in node.Boards) boards.Attach(spec, openBoard(spec));
            int siloPort = node.SiloPort > 0 ? node.SiloPort : FreePort();
            int gatewayPort = node.GatewayPort > 0 ? node.GatewayPort : FreePort();
            var address = cluster.AdvertisedAddress();
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.ClearProviders();
            if (log is not null) builder.Logging.AddProvider(new WriterLoggerProvider(log, LogLevel.Error));
            builder.Services.AddSingleton(boards);
            builder.Services.AddSingleton(toolkits ?? StressToolkits.Default);
            builder.Services.AddSingleton(lineageSlots ?? Stress.LineageSlots.Default);
            builder.Services.AddSingleton(new Community.NodeBoardOpener(openBoard));
            builder.Services.AddSingleton(new Handover.Journal.NodeJournalFolder(node.Name, node.JournalFolder));
            Network.OrleansTraffic.Start();
            builder.UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = FleetClusterOptions.ServiceId; });
                silo.Configure<SiloOptions>(o => o.SiloName = node.Name);
                silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
                silo.AddRedisGrainStorage(FleetClusterOptions.StorageName, o => o.ConfigurationOptions = cluster.RedisConfiguration());
                silo.ConfigureEndpoints(address, siloPort, gatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
                silo.AddPlacementDirector<OnNodePlacementStrategy, OnNodePlacementDirector>();
                silo.AddPlacementDirector<PreferNodePlacementStrategy, PreferNodePlacementDirector>();
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(30));
                if (cluster.FastFailover) silo.Configure<ClusterMembershipOptions>(FastMembership);
            });
            var host = builder.Build();
            // Generous: on a loaded machine (or a silo pinned to one busy core) joining takes far longer than the ~1.3 s it takes idle.
            await host.StartAsync(cancel).WaitAsync(TimeSpan.FromMinutes(4), cancel);
            var silo = new FleetSilo(host, node, boards, siloPort, gatewayPort);
            var registration = new NodeRegistration(node.Name, boards.Ids.Select(id => { boards.TryGet(id, out _, out var spec); return new NodeBoard(id, spec); }).ToList(),
                Environment.ProcessorCount, DateTime.UtcNow);
            await silo.Grains.GetGrain<IFleetRegistryGrain>(0).Register(registration).WaitAsync(TimeSpan.FromMinutes(2), cancel);
            return silo;
        }
        catch
        {
            boards.Dispose();
            throw;
        }
    }

    /// <summary>Membership settings for one machine and tests: a killed silo is declared dead within a few seconds.</summary>
    internal static void FastMembership(ClusterMembershipOptions o)
    {
        // 2 s x 3 probes: a silo starved of CPU by its own lineages on a loaded 2-core machine still answers in time,
        // and a killed one is declared dead within about 6-10 s.
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 3;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        o.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>Runs until <paramref name="stop"/> is cancelled, then leaves the cluster gracefully.</summary>
    public async Task RunUntilAsync(CancellationToken stop)
    {
        try { await Task.Delay(Timeout.Infinite, stop); }
        catch (OperationCanceledException) { }
    }

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)); }
        catch (Exception) { /* a silo that cannot leave cleanly is declared dead by the others */ }
        _host.Dispose();
        Boards.Dispose();
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

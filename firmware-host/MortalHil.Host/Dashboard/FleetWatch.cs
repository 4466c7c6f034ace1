using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Status;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// The dashboard's view of a fleet: connects to it through Redis and reads <see cref="FleetStatus"/> about once a
/// second. The dashboard starts and keeps serving while the fleet is unreachable: the page then shows why, and the
/// watch reconnects by itself (a Redis restart or every silo down is an outage to show, not a reason to stop).
/// </summary>
public sealed class FleetWatch : IAsyncDisposable
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StatusBound = TimeSpan.FromSeconds(3);
    /// <summary>Failed reads in a row after which the client is dropped and a new one connects.</summary>
    private const int ReadsBeforeReconnect = 3;

    private readonly FleetClusterOptions _cluster;
    private readonly TimeSpan _period;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private volatile FleetView _view;

    public FleetWatch(FleetClusterOptions cluster, TimeSpan? period = null)
    {
        _cluster = cluster;
        _period = period ?? TimeSpan.FromSeconds(1);
        _view = new FleetView(cluster.ClusterId, cluster.Redis, null, null, null, 0); // no nodes and no error yet: connecting
    }

    /// <summary>The newest status (or the newest one with the reason it is stale).</summary>
    public FleetView View => _view;

    public void Start() => _loop = Task.Run(() => Loop(_stop.Token));

    private async Task Loop(CancellationToken stop)
    {
        long version = 0;
        while (!stop.IsCancellationRequested)
        {
            FleetClient? client = null;
            try
            {
                client = await FleetClient.ConnectAsync(_cluster, ConnectBound, cancel: stop);
                int failures = 0;
                while (!stop.IsCancellationRequested && failures < ReadsBeforeReconnect)
                {
                    try
                    {
                        var status = await FleetStatus.ReadAsync(client.Client, _cluster.ClusterId, StatusBound, stop).WaitAsync(StatusBound * 4, stop);
                        failures = 0;
                        _view = new FleetView(_cluster.ClusterId, _cluster.Redis, FleetNodeView.Of(status), DateTime.UtcNow, null, ++version);
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested)
                    {
                        failures++;
                        _view = _view with { Error = $"fleet status unreadable: {OneLine(e)}", Version = ++version };
                    }
                    await Task.Delay(_period, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _view = _view with { Error = $"fleet unreachable: {OneLine(e)}", Version = ++version };
                try { await Task.Delay(TimeSpan.FromSeconds(2), stop); } catch (OperationCanceledException) { break; }
            }
            finally
            {
                if (client is not null) await client.DisposeAsync();
            }
        }
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_loop is not null)
        {
            try { await _loop.WaitAsync(TimeSpan.FromSeconds(15)); }
            catch (Exception) { /* leaving is best effort */ }
        }
        _stop.Dispose();
    }
}

/// <summary>What <c>/api/fleet</c> returns: the nodes of the last status read (null before the first), when, and why it may be stale.</summary>
/// <param name="ClusterId">The fleet's name in its Redis.</param>
/// <param name="Redis">The Redis connection string it was reached through.</param>
/// <param name="Nodes">Every node registered or active, with its boards; null until the first read.</param>
/// <param name="ReadUtc">When <paramref name="Nodes"/> was read.</param>
/// <param name="Error">Why the newest read failed (the nodes shown are then older), or null.</param>
/// <param name="Version">Grows with every read or failure, so a page can tell a fresh answer from an old one.</param>
public sealed record FleetView(string ClusterId, string Redis, IReadOnlyList<FleetNodeView>? Nodes, DateTime? ReadUtc, string? Error, long Version);

/// <summary>One node as the page shows it.</summary>
public sealed record FleetNodeView(string Node, bool SiloActive, string? SiloAddress, int Cores, IReadOnlyList<FleetBoardView> Boards)
{
    public static IReadOnlyList<FleetNodeView> Of(FleetStatusReport status) => status.Nodes.Select(n => new FleetNodeView(n.Node, n.SiloActive, n.SiloAddress, n.Cores,
        n.Boards.Select(b => new FleetBoardView(b.Serial, b.Spec, b.Kind, b.State.ToString().ToLowerInvariant(), b.TotalPulses, b.MaxCellPulses, b.UptimeHours, b.Error)).ToList())).ToList();
}

/// <summary>One board as the page shows it; <paramref name="State"/> is alive, dead or unreachable.</summary>
public sealed record FleetBoardView(string Serial, string Spec, string Kind, string State, long TotalPulses, long MaxCellPulses, double UptimeHours, string? Error);

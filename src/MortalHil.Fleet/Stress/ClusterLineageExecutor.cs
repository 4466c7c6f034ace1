using System.Collections.Concurrent;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Scenarios;
using Orleans.Runtime;

namespace MortalHil.Fleet.Stress;

/// <summary>
/// Spreads lineage simulations over the silos of a fleet: each active node gets as many calls in flight as it
/// has cores, and takes the next job when one finishes (so a fast node does more). A call lost with its silo
/// (killed, or declared dead by membership) puts the job back in the queue for the others: a lineage is a pure
/// function of the scenario and the job, so running it again elsewhere gives the same result.
/// </summary>
public sealed class ClusterLineageExecutor(IClusterClient client, TimeSpan? callBound = null, Action<string>? log = null) : ILineageExecutor
{
    /// <summary>How long to wait for a silo to appear before giving up.</summary>
    public static readonly TimeSpan NoSiloPatience = TimeSpan.FromSeconds(60);

    private readonly TimeSpan _bound = callBound ?? TimeSpan.FromMinutes(30);
    private int _parallelism;

    /// <summary>Calls in flight over all silos in the last round.</summary>
    public int Parallelism => Math.Max(1, _parallelism);

    /// <summary>Bytes of requests and responses sent to and received from silos (the payloads, as serialised).</summary>
    public long BytesSent => Interlocked.Read(ref _sent);
    public long BytesReceived => Interlocked.Read(ref _received);
    /// <summary>Jobs run again because their silo went away mid-call.</summary>
    public int Requeued => _requeued;
    /// <summary>Jobs finished per node name.</summary>
    public IReadOnlyDictionary<string, int> JobsPerNode => _perNode;

    private long _sent, _received;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _gone = new(StringComparer.Ordinal);

    /// <summary>Cancelled when <paramref name="node"/> is found gone (one per node name for the executor's life).</summary>
    private CancellationTokenSource NodeGone(string node) => _gone.GetOrAdd(node, _ => new CancellationTokenSource());
    private int _requeued;
    private readonly ConcurrentDictionary<string, int> _perNode = new(StringComparer.Ordinal);

    public void Run(Scenario scenario, IReadOnlyList<LineageJob> jobs, Action<LineageJob, LineageResult> done, CancellationToken cancel)
        => RunAsync(scenario, jobs, done, cancel).GetAwaiter().GetResult();

    private async Task RunAsync(Scenario scenario, IReadOnlyList<LineageJob> jobs, Action<LineageJob, LineageResult> done, CancellationToken cancel)
    {
        byte[] wire = LineageWire.Scenario(scenario);
        var queue = new ConcurrentQueue<LineageJob>(jobs);
        int remaining = jobs.Count;
        var failed = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var waitingSince = DateTime.UtcNow;
        while (Volatile.Read(ref remaining) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            var nodes = (await TryActiveNodes(cancel) ?? []).Where(n => !failed.ContainsKey(n)).ToArray();
            if (nodes.Length == 0)
            {
                if (DateTime.UtcNow - waitingSince > NoSiloPatience)
                    throw new InvalidOperationException($"no silo of the fleet is active to run lineages on (waited {NoSiloPatience.TotalSeconds:F0} s)");
                failed.Clear(); // a node that failed may have come back under the same name
                _gone.Clear();
                await Task.Delay(1000, cancel);
                continue;
            }
            waitingSince = DateTime.UtcNow;
            var pumps = new List<Task>();
            int slotsTotal = 0;
            foreach (var node in nodes)
            {
                var worker = client.GetGrain<IStressWorkerGrain>(node);
                int slots;
                try
                {
                    slots = await worker.Slots().WaitAsync(TimeSpan.FromSeconds(30), cancel);
                }
                catch (Exception e) when (IsLostSilo(e))
                {
                    failed[node] = true;
                    continue;
                }
                slotsTotal += slots;
                for (int i = 0; i < slots; i++) pumps.Add(Pump(node, worker));
            }
            _parallelism = slotsTotal;
            // Membership, not the call, tells first that a node died: a call in flight to a killed silo may only fail at
            // the response timeout. The watcher cancels the calls of every node membership no longer lists as active.
            using var roundOver = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var watcher = WatchMembership(nodes, roundOver.Token);
            await Task.WhenAll(pumps);
            roundOver.Cancel();
            try { await watcher; } catch (OperationCanceledException) { }
            if (Volatile.Read(ref remaining) > 0 && queue.IsEmpty)
                throw new InvalidOperationException("lineage jobs were lost"); // cannot happen: a failed call re-queues its job
        }

        async Task WatchMembership(string[] watched, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop);
                var active = await TryActiveNodes(stop);
                if (active is null) continue; // membership unreadable for now (Redis restarting, gateway lost): look again
                foreach (var node in watched.Except(active, StringComparer.Ordinal))
                    if (failed.TryAdd(node, true)) log?.Invoke($"node {node} left the fleet; its lineages in flight go to the others");
                foreach (var node in watched)
                    if (failed.ContainsKey(node)) NodeGone(node).Cancel();
            }
        }

        async Task Pump(string node, IStressWorkerGrain worker)
        {
            var gone = NodeGone(node).Token;
            while (!failed.ContainsKey(node) && queue.TryDequeue(out var job))
            {
                byte[] request = LineageWire.Job(job);
                try
                {
                    Interlocked.Add(ref _sent, wire.Length + request.Length);
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, gone);
                    byte[] response = await worker.RunLineage(wire, request).WaitAsync(_bound, either.Token);
                    Interlocked.Add(ref _received, response.Length);
                    done(job, LineageWire.Result(response));
                    _perNode.AddOrUpdate(node, 1, (_, n) => n + 1);
                    Interlocked.Decrement(ref remaining);
                }
                catch (Exception e) when ((IsLostSilo(e) || e is OperationCanceledException) && !cancel.IsCancellationRequested)
                {
                    queue.Enqueue(job);
                    Interlocked.Increment(ref _requeued);
                    failed[node] = true;
                    log?.Invoke($"node {node} lost ({e.GetType().Name}); lineage {job.Lineage} of seed #{job.SeedIndex} goes to another node");
                }
            }
        }
    }

    /// <summary>
    /// Names of the active silos, or null while membership cannot be read (Redis down or restarting: the silo
    /// answering passes the store's error on, sometimes as an exception Orleans cannot even serialise).
    /// </summary>
    private async Task<string[]?> TryActiveNodes(CancellationToken cancel)
    {
        try
        {
            return await ActiveNodes().WaitAsync(TimeSpan.FromSeconds(10), cancel);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            log?.Invoke($"fleet membership unreadable for now ({e.GetType().Name}); waiting");
            return null;
        }
    }

    /// <summary>Names of the silos membership reports active.</summary>
    private async Task<string[]> ActiveNodes()
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true);
        return hosts.Where(h => h.Status == SiloStatus.Active).Select(h => h.SiloName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Failures that mean the silo (or the way to it) went away, not that the lineage itself failed.</summary>
    public static bool IsLostSilo(Exception e) => e is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException
        or Placement.NodeUnreachableException or Orleans.Runtime.Messaging.ConnectionFailedException or OrleansException { InnerException: SiloUnavailableException };
}

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
/// A call can also be lost while its node lives on: it went through a gateway silo that died, and no answer will
/// ever come. The executor therefore asks each node now and then which calls it is running, and a call it waits
/// for that its node does not list twice in a row is run again (on any node) without blaming the node.
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
    /// <summary>Calls found lost on the way to a node that lives on (e.g. with their gateway), and run again.</summary>
    public int LostCalls => _lostCalls;
    /// <summary>Jobs finished per node name.</summary>
    public IReadOnlyDictionary<string, int> JobsPerNode => _perNode;

    private long _sent, _received;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _gone = new(StringComparer.Ordinal);

    /// <summary>Cancelled when <paramref name="node"/> is found gone (one per node name for the executor's life).</summary>
    private CancellationTokenSource NodeGone(string node) => _gone.GetOrAdd(node, _ => new CancellationTokenSource());
    private int _requeued, _lostCalls;

    /// <summary>A call older than this that its node does not list as running is suspect (answers may be in transit).</summary>
    private static readonly TimeSpan AuditGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AuditPeriod = TimeSpan.FromSeconds(3);

    private sealed class InFlight(string node)
    {
        public string Node { get; } = node;
        public DateTime Since { get; } = DateTime.UtcNow;
        public CancellationTokenSource Lost { get; } = new();
        public int Misses;
    }
    private readonly ConcurrentDictionary<string, int> _perNode = new(StringComparer.Ordinal);

    public void Run(Scenario scenario, IReadOnlyList<LineageJob> jobs, Action<LineageJob, LineageResult> done, CancellationToken cancel)
        => RunAsync(scenario, jobs, done, cancel).GetAwaiter().GetResult();

    private async Task RunAsync(Scenario scenario, IReadOnlyList<LineageJob> jobs, Action<LineageJob, LineageResult> done, CancellationToken cancel)
    {
        byte[] wire = LineageWire.Scenario(scenario);
        ulong hash = LineageWire.Hash(wire);
        var queue = new ConcurrentQueue<LineageJob>(jobs);
        int remaining = jobs.Count;
        var failed = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var inFlight = new ConcurrentDictionary<Guid, InFlight>();
        var silentAudits = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var holders = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal); // nodes that answered a call of this run: they hold the scenario
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
            var lastAudit = DateTime.UtcNow;
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(1000, stop);
                if (DateTime.UtcNow - lastAudit >= AuditPeriod)
                {
                    lastAudit = DateTime.UtcNow;
                    await AuditCalls(stop);
                }
                var active = await TryActiveNodes(stop);
                if (active is null) continue; // membership unreadable for now (Redis restarting, gateway lost): look again
                foreach (var node in watched.Except(active, StringComparer.Ordinal))
                    if (failed.TryAdd(node, true)) log?.Invoke($"node {node} left the fleet; its lineages in flight go to the others");
                foreach (var node in watched)
                    if (failed.ContainsKey(node)) NodeGone(node).Cancel();
            }
        }

        // Asks every node with calls in flight past the grace which calls it is running; a call missing twice in a
        // row is cancelled here and run again by its pump.
        async Task AuditCalls(CancellationToken stop)
        {
            foreach (var group in inFlight.Where(c => DateTime.UtcNow - c.Value.Since > AuditGrace).GroupBy(c => c.Value.Node, StringComparer.Ordinal))
            {
                if (failed.ContainsKey(group.Key)) continue; // membership handles the node's calls
                Guid[] running;
                try
                {
                    running = await client.GetGrain<IStressWorkerGrain>(group.Key).Running().WaitAsync(TimeSpan.FromSeconds(10), stop);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    // Membership may be slow to see a node die (or never, if its store is down): a node that does not
                    // answer three audits in a row is treated as gone, and its calls run elsewhere.
                    int silent = silentAudits.AddOrUpdate(group.Key, 1, (_, n) => n + 1);
                    log?.Invoke($"node {group.Key} did not say what it runs ({e.GetType().Name}, {silent} time(s))");
                    if (silent >= 3 && failed.TryAdd(group.Key, true))
                    {
                        log?.Invoke($"node {group.Key} is silent; its lineages in flight go to the others");
                        NodeGone(group.Key).Cancel();
                    }
                    continue;
                }
                silentAudits.TryRemove(group.Key, out _);
                var listed = running.ToHashSet();
                foreach (var (call, flight) in group)
                {
                    if (listed.Contains(call)) { flight.Misses = 0; continue; }
                    if (++flight.Misses >= 2) flight.Lost.Cancel();
                }
            }
        }

        async Task Pump(string node, IStressWorkerGrain worker)
        {
            var gone = NodeGone(node).Token;
            while (!failed.ContainsKey(node) && queue.TryDequeue(out var job))
            {
                byte[] request = LineageWire.Job(job);
                var call = Guid.NewGuid();
                var flight = new InFlight(node);
                inFlight[call] = flight;
                try
                {
                    using var any = CancellationTokenSource.CreateLinkedTokenSource(cancel, gone, flight.Lost.Token);
                    // The scenario travels with a node's first call of the run, then only its hash; a node that does not
                    // hold it (restarted under the same name, or it dropped the scenario) answers null and gets it again.
                    bool sendScenario = !holders.ContainsKey(node);
                    Interlocked.Add(ref _sent, (sendScenario ? wire.Length : 0) + sizeof(ulong) + request.Length);
                    byte[]? response = await worker.RunLineage(hash, sendScenario ? wire : null, request, call).WaitAsync(_bound, any.Token);
                    if (response is null)
                    {
                        Interlocked.Add(ref _sent, wire.Length + sizeof(ulong) + request.Length);
                        response = await worker.RunLineage(hash, wire, request, call).WaitAsync(_bound, any.Token)
                            ?? throw new InvalidOperationException($"node {node} refused lineage {job.Lineage} with its scenario attached");
                    }
                    holders[node] = true;
                    Interlocked.Add(ref _received, response.Length);
                    done(job, LineageWire.Result(response));
                    _perNode.AddOrUpdate(node, 1, (_, n) => n + 1);
                    Interlocked.Decrement(ref remaining);
                }
                catch (OperationCanceledException) when (flight.Lost.IsCancellationRequested && !gone.IsCancellationRequested && !cancel.IsCancellationRequested)
                {
                    // The node lives on but never got (or lost) this call: run it again, the node stays in the round.
                    queue.Enqueue(job);
                    Interlocked.Increment(ref _lostCalls);
                    log?.Invoke($"a call to node {node} was lost on the way; lineage {job.Lineage} of seed #{job.SeedIndex} runs again");
                }
                catch (Exception e) when ((IsLostSilo(e) || e is OperationCanceledException) && !cancel.IsCancellationRequested)
                {
                    queue.Enqueue(job);
                    Interlocked.Increment(ref _requeued);
                    failed[node] = true;
                    log?.Invoke($"node {node} lost ({e.GetType().Name}); lineage {job.Lineage} of seed #{job.SeedIndex} goes to another node");
                }
                finally
                {
                    inFlight.TryRemove(call, out _); // its token source is left to the GC: the audit may still cancel it
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

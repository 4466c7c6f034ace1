using System.Diagnostics;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Fleet;

/// <summary>Progress of a fleet run: lineage simulations finished out of those scheduled so far.</summary>
public readonly record struct FleetProgress(int Finished, int Scheduled, int PoolIteration);

/// <summary>The lineages of one seed's run, and how many rounds the spare pool needed to settle.</summary>
public sealed record SeedRun(ulong Seed, IReadOnlyList<LineageResult> Lineages, int PoolRounds);

/// <summary>Everything a scenario run produced.</summary>
/// <param name="Scenario">What was run.</param>
/// <param name="Seeds">Each seed's lineages.</param>
/// <param name="WallSeconds">Wall-clock time of the run.</param>
/// <param name="CpuSeconds">Processor time the whole process used during the run (all threads).</param>
/// <param name="Threads">Lineages simulated at once.</param>
/// <param name="LineageSimulations">Lineage simulations run, re-runs for the spare pool included.</param>
public sealed record FleetRun(Scenario Scenario, IReadOnlyList<SeedRun> Seeds, double WallSeconds, double CpuSeconds, int Threads, int LineageSimulations);

/// <summary>
/// Runs a scenario: every (seed, lineage) is simulated independently on all cores. Lineages of one seed
/// share the spare pool; that coupling is resolved without making results depend on thread timing:
/// each lineage first assumes its spares come on time, the pool is then replayed in time order, and
/// lineages whose deliveries were wrong are simulated again with the replayed deliveries, until no
/// delivery changes. Because a lineage's next request always comes after its previous delivery, the
/// correct prefix grows each round and the rounds end; with an unlimited pool one round suffices.
/// </summary>
public sealed class FleetRunner
{
    /// <summary>Safety cap on pool rounds (never reached in practice: see the class remarks).</summary>
    public const int MaxPoolRounds = 10_000;

    private readonly Scenario _scenario;
    private readonly ILineageExecutor _executor;

    /// <param name="scenario">What to run.</param>
    /// <param name="toolkitFactory">Learning and mortality behind the runner's port.</param>
    /// <param name="workFolder">Where lineages keep their journals while running.</param>
    /// <param name="threads">Lineages simulated at once (default: all cores).</param>
    public FleetRunner(Scenario scenario, StressToolkitFactory toolkitFactory, string workFolder, int? threads = null)
        : this(scenario, new LocalLineageExecutor(toolkitFactory, workFolder, threads))
    {
    }

    /// <param name="scenario">What to run.</param>
    /// <param name="executor">Where the lineage simulations run (this process, or a cluster).</param>
    public FleetRunner(Scenario scenario, ILineageExecutor executor)
    {
        _scenario = scenario;
        _executor = executor;
    }

    /// <summary>Runs every seed of the scenario; <paramref name="progress"/> is called from worker threads.</summary>
    public FleetRun Run(Action<FleetProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int seeds = _scenario.Seeds.Count, fleet = _scenario.FleetSize;
        var results = new LineageResult[seeds][];
        var fixedDeliveries = new Dictionary<int, (double Request, double Delivery)>?[seeds][];
        var rounds = new int[seeds];
        for (int s = 0; s < seeds; s++)
        {
            results[s] = new LineageResult[fleet];
            fixedDeliveries[s] = new Dictionary<int, (double, double)>?[fleet];
        }
        var todo = new List<(int Seed, int Lineage)>();
        for (int s = 0; s < seeds; s++)
            for (int l = 0; l < fleet; l++) todo.Add((s, l));

        int finished = 0, scheduled = 0, simulations = 0, round = 0;
        double end = _scenario.Duration.Years * BoardFactory.SecondsPerYear;
        var spares = _scenario.Spares;
        var sync = new object();
        while (todo.Count > 0)
        {
            if (++round > MaxPoolRounds) throw new InvalidOperationException($"the spare pool did not settle after {MaxPoolRounds} rounds");
            scheduled += todo.Count;
            simulations += todo.Count;
            foreach (int s in todo.Select(w => w.Seed).Distinct()) rounds[s]++;
            var work = todo.Select(w => new LineageJob(w.Seed, w.Lineage, fixedDeliveries[w.Seed][w.Lineage])).ToArray();
            _executor.Run(_scenario, work, (job, result) =>
            {
                results[job.SeedIndex][job.Lineage] = result;
                if (progress is not null)
                    lock (sync) progress(new FleetProgress(++finished, scheduled, round));
            }, cancel);

            todo.Clear();
            if (SparePool.Unlimited(spares)) break;
            for (int s = 0; s < seeds; s++)
            {
                var requests = results[s].SelectMany(r => r.SpareRequests.Select(q => new SpareRequest(r.Lineage, q.Index, q.RequestSeconds)));
                var truth = SparePool.Deliver(spares, end, requests);
                for (int l = 0; l < fleet; l++)
                {
                    var r = results[s][l];
                    bool wrong = r.SpareRequests.Any(q => truth[(l, q.Index)] != q.DeliverySeconds);
                    if (!wrong) continue;
                    fixedDeliveries[s][l] = r.SpareRequests.ToDictionary(q => q.Index, q => (q.RequestSeconds, truth[(l, q.Index)]));
                    todo.Add((s, l));
                }
            }
        }
        var runs = _scenario.Seeds.Select((seed, s) => new SeedRun(seed, results[s], rounds[s])).ToArray();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        return new FleetRun(_scenario, runs, clock.Elapsed.TotalSeconds, cpuSeconds, _executor.Parallelism, simulations);
    }
}

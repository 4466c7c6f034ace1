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
    private readonly StressToolkitFactory _toolkitFactory;
    private readonly string _workFolder;
    private readonly int _threads;

    /// <param name="scenario">What to run.</param>
    /// <param name="toolkitFactory">Learning and mortality behind the runner's port.</param>
    /// <param name="workFolder">Where lineages keep their journals while running.</param>
    /// <param name="threads">Lineages simulated at once (default: all cores).</param>
    public FleetRunner(Scenario scenario, StressToolkitFactory toolkitFactory, string workFolder, int? threads = null)
    {
        _scenario = scenario;
        _toolkitFactory = toolkitFactory;
        _workFolder = workFolder;
        _threads = Math.Max(1, threads ?? Environment.ProcessorCount);
    }

    /// <summary>Runs every seed of the scenario; <paramref name="progress"/> is called from worker threads.</summary>
    public FleetRun Run(Action<FleetProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int seeds = _scenario.Seeds.Count, fleet = _scenario.FleetSize;
        var tasks = _scenario.Seeds.Select(s => new SyntheticTask(_scenario.Task, s)).ToArray();
        var toolkits = tasks.Select(t => _toolkitFactory(_scenario, t)).ToArray();
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
            var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancel };
            var work = todo.ToArray();
            Parallel.For(0, work.Length, options, i =>
            {
                var (s, l) = work[i];
                var known = fixedDeliveries[s][l];
                double Delivery(int k, double t)
                    => known is not null && known.TryGetValue(k, out var d) && d.Request == t ? d.Delivery : SparePool.Unconstrained(spares, t);
                string folder = Path.Combine(_workFolder, $"seed-{_scenario.Seeds[s]}", $"lineage-{l}");
                results[s][l] = new LineageSimulation(_scenario, _scenario.Seeds[s], l, toolkits[s], tasks[s], Delivery, folder).Run();
                if (progress is not null)
                    lock (sync) progress(new FleetProgress(++finished, scheduled, round));
            });

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
        return new FleetRun(_scenario, runs, clock.Elapsed.TotalSeconds, cpuSeconds, _threads, simulations);
    }
}

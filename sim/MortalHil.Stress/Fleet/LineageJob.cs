using MortalHil.Stress.Ports;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Fleet;

/// <summary>
/// One lineage simulation to run: which seed and service position, and the spare deliveries a previous
/// pool round fixed for it (null: every spare comes on time). Everything a lineage depends on is here or in
/// the scenario, so a job gives the same <see cref="LineageResult"/> wherever it runs.
/// </summary>
/// <param name="SeedIndex">Index into the scenario's seeds.</param>
/// <param name="Lineage">Service position.</param>
/// <param name="Deliveries">Request index -> (request time, delivery time), or null.</param>
public sealed record LineageJob(int SeedIndex, int Lineage, IReadOnlyDictionary<int, (double Request, double Delivery)>? Deliveries)
{
    /// <summary>Runs the job, keeping journals under <paramref name="workFolder"/> (one subfolder per lineage).</summary>
    public LineageResult Run(Scenario scenario, IStressToolkit toolkit, SyntheticTask task, string workFolder)
    {
        var known = Deliveries;
        var spares = scenario.Spares;
        double Delivery(int k, double t)
            => known is not null && known.TryGetValue(k, out var d) && d.Request == t ? d.Delivery : SparePool.Unconstrained(spares, t);
        return new LineageSimulation(scenario, scenario.Seeds[SeedIndex], Lineage, toolkit, task, Delivery, Folder(scenario, workFolder)).Run();
    }

    /// <summary>The folder under <paramref name="workFolder"/> this job's lineage keeps its journals in.</summary>
    public string Folder(Scenario scenario, string workFolder) => Path.Combine(workFolder, $"seed-{scenario.Seeds[SeedIndex]}", $"lineage-{Lineage}");
}

/// <summary>
/// Where lineage simulations run: on this machine's cores (<see cref="LocalLineageExecutor"/>), or spread over
/// the silos of a cluster. Run's callback may be called from any thread, once per job.
/// </summary>
public interface ILineageExecutor
{
    /// <summary>Lineages simulated at once (reported in stress.json's timing).</summary>
    int Parallelism { get; }

    /// <summary>Runs every job; returns when all are done (or throws).</summary>
    void Run(Scenario scenario, IReadOnlyList<LineageJob> jobs, Action<LineageJob, LineageResult> done, CancellationToken cancel);
}

/// <summary>
/// Runs lineages on this process's cores, one toolkit and task per seed shared by its lineages. Unless journals are
/// kept, a lineage's folder is deleted as soon as the lineage is done: a 1,000-board run otherwise left about 27,000
/// journal files to delete at the very end, one after another, while no lineage ran (minutes on a busy machine).
/// </summary>
public sealed class LocalLineageExecutor(StressToolkitFactory toolkitFactory, string workFolder, int? threads = null, bool keepJournals = true) : ILineageExecutor
{
    private readonly int _threads = Math.Max(1, threads ?? Environment.ProcessorCount);
    private (Scenario Scenario, SyntheticTask[] Tasks, IStressToolkit[] Toolkits)? _cache;

    public int Parallelism => _threads;

    public void Run(Scenario scenario, IReadOnlyList<LineageJob> jobs, Action<LineageJob, LineageResult> done, CancellationToken cancel)
    {
        if (_cache is not { } c || !ReferenceEquals(c.Scenario, scenario))
        {
            var tasks = scenario.Seeds.Select(s => new SyntheticTask(scenario.Task, s)).ToArray();
            c = (scenario, tasks, tasks.Select(t => toolkitFactory(scenario, t)).ToArray());
            _cache = c;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = cancel };
        Parallel.For(0, jobs.Count, options, i =>
        {
            var job = jobs[i];
            var result = job.Run(scenario, c.Toolkits[job.SeedIndex], c.Tasks[job.SeedIndex], workFolder);
            if (!keepJournals)
            {
                string folder = job.Folder(scenario, workFolder);
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
            done(job, result);
        });
    }
}

using System.Diagnostics;
using System.Text.Json;
using MortalHil.Core.Files;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Local;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Fleet.Stress;

/// <summary>One configuration of the silo bench: in-process (Silos = 0), or N silo processes, pinned to one core each or not.</summary>
public sealed record SiloBenchConfig(int Silos, bool Pinned)
{
    public string Label => Silos == 0 ? "in-process" : $"{Silos} silo{(Silos > 1 ? "s" : "")}{(Pinned ? " pinned (1 core each)" : " sharing all cores")}";
}

/// <summary>One measured configuration, timed after a warm-up run of WarmupLineages lineages in the same processes (not timed: a fresh
/// process spends tens of processor-seconds compiling the simulator, and every silo process is a fresh one). Error: why the
/// configuration could not be measured (its numbers are then 0), e.g. a silo that did not join in time. SameMetricsAsInProcess: stress.json's metrics section equals the in-process run's, bit for bit (null for the in-process run).</summary>
public sealed record SiloBenchPoint(string Config, int Silos, bool Pinned, int Boards, double WallSeconds, double ClientCpuSeconds, double SiloCpuSeconds,
    int BoardGenerations, double BoardGenerationsPerSecond, long BytesSent, long BytesReceived, IReadOnlyDictionary<string, int> LineagesPerNode,
    bool? SameMetricsAsInProcess, double LoadAverageBefore, int WarmupLineages = 0, string? Error = null, int LineageSimulations = 0)
{
    /// <summary>The client's processor time per lineage simulated, in milliseconds (silo runs only; in-process the client does the simulating).</summary>
    public double? ClientCpuMillisecondsPerLineage => Silos > 0 && LineageSimulations > 0 ? 1000 * ClientCpuSeconds / LineageSimulations : null;
}

/// <summary>The content of <c>silo-bench.json</c>.</summary>
public sealed record SiloBenchReport(string Scenario, string? File, int Boards, int Cores, IReadOnlyList<SiloBenchPoint> Points);

/// <summary>
/// Board-generations per second of one scenario in-process and on 1, 2, 3 ... silo processes of this machine
/// (each pinned to one core with taskset, or sharing all cores), all through one throw-away redis-server.
/// </summary>
public static class SiloBench
{
    /// <summary>How long a silo process may take to join: a pinned one on a loaded machine starts slowly.</summary>
    public static readonly TimeSpan NodeJoinPatience = TimeSpan.FromMinutes(5);

    public static SiloBenchReport Run(Scenario scenario, string? scenarioFile, IReadOnlyList<SiloBenchConfig> configs, string outFolder,
        IReadOnlyList<string> mortalhilCommand, Action<string>? log = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(outFolder);
        using var redis = RedisProcess.Start();
        var points = new List<SiloBenchPoint>();
        string? reference = null;
        int cores = Environment.ProcessorCount;
        foreach (var config in configs.OrderBy(c => c.Silos))
        {
            cancel.ThrowIfCancellationRequested();
            string dir = Path.Combine(outFolder, config.Silos == 0 ? "in-process" : $"silos-{config.Silos}{(config.Pinned ? "-pinned" : "")}");
            double load = MortalHil.Stress.Bench.LoadAverage.OneMinute();
            log?.Invoke($"{config.Label}: load average {load:F1}");
            SiloBenchPoint point;
            if (config.Silos == 0)
            {
                int warmup = Math.Min(scenario.FleetSize, 2 * cores);
                WarmUp(scenario, warmup, null, cancel);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var o = StressSession.Run(scenario, scenarioFile, dir, new StressOptions(Plots: false), cancel: cancel);
                reference = MetricsJson(o.Report);
                var t = o.Report.Timing;
                point = new SiloBenchPoint(config.Label, 0, false, scenario.FleetSize, t.WallSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, 0,
                    t.BoardGenerations, t.BoardGenerationsPerSecond, 0, 0, new Dictionary<string, int>(), null, load, warmup, LineageSimulations: t.LineageSimulations);
            }
            else
            {
                try
                {
                    point = RunOnSilos(scenario, scenarioFile, config, dir, redis, mortalhilCommand, reference, load, log, cancel);
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException or FleetUnavailableException && !cancel.IsCancellationRequested)
                {
                    // One configuration that cannot start (a silo too starved to join in time) costs its own line, not the bench.
                    point = new SiloBenchPoint(config.Label, config.Silos, config.Pinned, scenario.FleetSize, 0, 0, 0, 0, 0, 0, 0,
                        new Dictionary<string, int>(), null, load, 0, e.Message.Split('\n')[0]);
                }
            }
            points.Add(point);
            log?.Invoke(point.Error is { } error ? $"{config.Label}: not measured: {error}"
                : $"{config.Label}: {point.BoardGenerationsPerSecond:F2} board-generations/s ({point.WallSeconds:F1} s)");
            // Written after every configuration: a bench stopped part-way keeps what it measured.
            Write(new SiloBenchReport(scenario.Name, scenarioFile, scenario.FleetSize, cores, points), outFolder);
        }
        return new SiloBenchReport(scenario.Name, scenarioFile, scenario.FleetSize, cores, points);
    }

    private static void Write(SiloBenchReport report, string outFolder)
    {
        StampedJson.Write(Path.Combine(outFolder, "silo-bench.json"), JsonSerializer.Serialize(report, StressReport.JsonOptions), "silo-bench", 3);
        SiloBenchTable.Write(report, outFolder);
    }

    private static SiloBenchPoint RunOnSilos(Scenario scenario, string? scenarioFile, SiloBenchConfig config, string dir, RedisProcess redis,
        IReadOnlyList<string> command, string? reference, double load, Action<string>? log, CancellationToken cancel)
    {
        string clusterId = $"bench-{Guid.NewGuid():N}";
        var cluster = new FleetClusterOptions(redis.ConnectionString, clusterId, FastFailover: true);
        Directory.CreateDirectory(dir);
        var nodes = new List<NodeProcess>();
        try
        {
            for (int i = 0; i < config.Silos; i++)
            {
                string name = $"bench-{i}";
                string file = Path.Combine(dir, $"{name}.node.json");
                File.WriteAllText(file, JsonSerializer.Serialize(new { node = name, boards = Array.Empty<string>() }));
                nodes.Add(NodeProcess.Start(command, name, file, cluster.Redis, clusterId, fastFailover: true,
                    pinToCore: config.Pinned ? i % Environment.ProcessorCount : null, joinTimeout: NodeJoinPatience));
            }
            var cpuBefore = new TimeSpan[nodes.Count];
            var clientCpu = TimeSpan.Zero;
            int slots = config.Silos * (config.Pinned ? 1 : Environment.ProcessorCount);
            int warmup = Math.Min(scenario.FleetSize, 2 * slots);
            var (outcome, executor) = Task.Run(async () =>
            {
                await using var client = await FleetClient.ConnectAsync(cluster, TimeSpan.FromSeconds(60), cancel: cancel);
                WarmUp(scenario, warmup, new ClusterLineageExecutor(client.Client, log: log), cancel);
                for (int i = 0; i < nodes.Count; i++) cpuBefore[i] = nodes[i].ProcessorTime;
                clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
                var exec = new ClusterLineageExecutor(client.Client, log: log);
                return (StressSession.Run(scenario, scenarioFile, dir, new StressOptions(Plots: false, Executor: exec), cancel: cancel), exec);
            }, cancel).GetAwaiter().GetResult();
            double siloCpu = nodes.Select((n, i) => (n.ProcessorTime - cpuBefore[i]).TotalSeconds).Sum();
            var t = outcome.Report.Timing;
            return new SiloBenchPoint(config.Label, config.Silos, config.Pinned, scenario.FleetSize, t.WallSeconds,
                (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds, siloCpu, t.BoardGenerations, t.BoardGenerationsPerSecond,
                executor.BytesSent, executor.BytesReceived, new SortedDictionary<string, int>(executor.JobsPerNode.ToDictionary(), StringComparer.Ordinal),
                reference is null ? null : MetricsJson(outcome.Report) == reference, load, warmup, LineageSimulations: t.LineageSimulations);
        }
        finally
        {
            foreach (var n in nodes) n.Stop(TimeSpan.FromSeconds(10));
            foreach (var n in nodes) n.Dispose();
        }
    }

    /// <summary>Runs <paramref name="lineages"/> lineages of the scenario (in-process, or through <paramref name="executor"/>) into a
    /// throw-away folder, so the timed run that follows finds its processes' code compiled.</summary>
    private static void WarmUp(Scenario scenario, int lineages, MortalHil.Stress.Fleet.ILineageExecutor? executor, CancellationToken cancel)
    {
        string folder = Directory.CreateTempSubdirectory("mortalhil-silo-bench-warmup-").FullName;
        try
        {
            StressSession.Run(scenario.WithFleetSize(lineages), null, folder, new StressOptions(Plots: false, Executor: executor), cancel: cancel);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The deterministic part of stress.json (everything but the timings).</summary>
    public static string MetricsJson(StressReport r) => JsonSerializer.Serialize(r.Metrics, StressReport.JsonOptions);
}

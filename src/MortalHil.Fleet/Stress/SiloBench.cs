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

/// <summary>One measured configuration. SameMetricsAsInProcess: stress.json's metrics section equals the in-process run's, bit for bit (null for the in-process run).</summary>
public sealed record SiloBenchPoint(string Config, int Silos, bool Pinned, int Boards, double WallSeconds, double ClientCpuSeconds, double SiloCpuSeconds,
    int BoardGenerations, double BoardGenerationsPerSecond, long BytesSent, long BytesReceived, IReadOnlyDictionary<string, int> LineagesPerNode,
    bool? SameMetricsAsInProcess, double LoadAverageBefore);

/// <summary>The content of <c>silo-bench.json</c>.</summary>
public sealed record SiloBenchReport(string Scenario, string? File, int Boards, int Cores, IReadOnlyList<SiloBenchPoint> Points);

/// <summary>
/// Board-generations per second of one scenario in-process and on 1, 2, 3 ... silo processes of this machine
/// (each pinned to one core with taskset, or sharing all cores), all through one throw-away redis-server.
/// </summary>
public static class SiloBench
{
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
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var o = StressSession.Run(scenario, scenarioFile, dir, new StressOptions(Plots: false), cancel: cancel);
                reference = MetricsJson(o.Report);
                var t = o.Report.Timing;
                point = new SiloBenchPoint(config.Label, 0, false, scenario.FleetSize, t.WallSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, 0,
                    t.BoardGenerations, t.BoardGenerationsPerSecond, 0, 0, new Dictionary<string, int>(), null, load);
            }
            else point = RunOnSilos(scenario, scenarioFile, config, dir, redis, mortalhilCommand, reference, load, log, cancel);
            points.Add(point);
            log?.Invoke($"{config.Label}: {point.BoardGenerationsPerSecond:F2} board-generations/s ({point.WallSeconds:F1} s)");
        }
        var report = new SiloBenchReport(scenario.Name, scenarioFile, scenario.FleetSize, cores, points);
        StampedJson.Write(Path.Combine(outFolder, "silo-bench.json"), JsonSerializer.Serialize(report, StressReport.JsonOptions), "silo-bench", 1);
        SiloBenchTable.Write(report, outFolder);
        return report;
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
                    pinToCore: config.Pinned ? i % Environment.ProcessorCount : null));
            }
            var cpuBefore = nodes.Select(n => n.ProcessorTime).ToArray();
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var (outcome, executor) = Task.Run(async () =>
            {
                await using var client = await FleetClient.ConnectAsync(cluster, TimeSpan.FromSeconds(60), cancel: cancel);
                var exec = new ClusterLineageExecutor(client.Client, log: log);
                return (StressSession.Run(scenario, scenarioFile, dir, new StressOptions(Plots: false, Executor: exec), cancel: cancel), exec);
            }, cancel).GetAwaiter().GetResult();
            double siloCpu = nodes.Select((n, i) => (n.ProcessorTime - cpuBefore[i]).TotalSeconds).Sum();
            var t = outcome.Report.Timing;
            return new SiloBenchPoint(config.Label, config.Silos, config.Pinned, scenario.FleetSize, t.WallSeconds,
                (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds, siloCpu, t.BoardGenerations, t.BoardGenerationsPerSecond,
                executor.BytesSent, executor.BytesReceived, new SortedDictionary<string, int>(executor.JobsPerNode.ToDictionary(), StringComparer.Ordinal),
                reference is null ? null : MetricsJson(outcome.Report) == reference, load);
        }
        finally
        {
            foreach (var n in nodes) n.Stop(TimeSpan.FromSeconds(10));
            foreach (var n in nodes) n.Dispose();
        }
    }

    /// <summary>The deterministic part of stress.json (everything but the timings).</summary>
    public static string MetricsJson(StressReport r) => JsonSerializer.Serialize(r.Metrics, StressReport.JsonOptions);
}

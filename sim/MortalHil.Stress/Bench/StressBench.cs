using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;
using ScottPlot;
using System.Text.Json;

namespace MortalHil.Stress.Bench;

/// <summary>One fleet size of the bench.</summary>
public sealed record BenchPoint(int Boards, double WallSeconds, double CpuSeconds, int BoardGenerations, double BoardGenerationsPerSecond,
    int LineageSimulations, double ServiceAvailability, long JournaledOutputsLost);

/// <summary>The content of <c>bench.json</c>.</summary>
public sealed record BenchReport(string Scenario, string? File, int Threads, IReadOnlyList<ulong> Seeds, IReadOnlyList<BenchPoint> Points);

/// <summary>
/// How run time grows with the fleet: the scenario at each requested fleet size, each run written to
/// DIR/boards-N/stress.json, the timings to DIR/bench.json and DIR/bench.png.
/// </summary>
public static class StressBench
{
    public static BenchReport Run(Scenario scenario, string? scenarioFile, IReadOnlyList<int> boards, string outFolder, StressOptions options,
        Action<int, FleetProgress>? progress = null, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(outFolder);
        var points = new List<BenchPoint>();
        int threads = options.Threads ?? Environment.ProcessorCount;
        foreach (int n in boards)
        {
            var outcome = StressSession.Run(scenario.WithFleetSize(n), scenarioFile, Path.Combine(outFolder, $"boards-{n}"), options with { Plots = false },
                p => progress?.Invoke(n, p), cancel);
            var t = outcome.Report.Timing;
            points.Add(new BenchPoint(n, t.WallSeconds, t.CpuSeconds, t.BoardGenerations, t.BoardGenerationsPerSecond, t.LineageSimulations,
                outcome.Report.Metrics.Total.ServiceAvailability, outcome.Report.JournaledOutputsLost));
        }
        var report = new BenchReport(scenario.Name, scenarioFile, threads, scenario.Seeds, points);
        Core.Files.StampedJson.Write(Path.Combine(outFolder, "bench.json"), JsonSerializer.Serialize(report, StressReport.JsonOptions), "stress-bench", 1);
        Plot(report, Path.Combine(outFolder, "bench.png"));
        return report;
    }

    private static void Plot(BenchReport report, string path)
    {
        var plot = new Plot();
        var p = report.Points.Where(x => x.WallSeconds > 0).ToArray();
        double[] x = p.Select(v => Math.Log10(v.Boards)).ToArray();
        var time = plot.Add.Scatter(x, p.Select(v => Math.Log10(v.WallSeconds)).ToArray());
        time.LegendText = "wall time";
        time.LineWidth = 2;
        time.MarkerSize = 8;
        var cpu = plot.Add.Scatter(x, p.Select(v => Math.Log10(Math.Max(1e-3, v.CpuSeconds))).ToArray());
        cpu.LegendText = "processor time (all threads)";
        cpu.MarkerSize = 6;
        if (p.Length > 0)
        {
            // Linear scaling through the smallest fleet, for reference.
            var first = p[0];
            var linear = plot.Add.Scatter(x, p.Select(v => Math.Log10(first.WallSeconds * v.Boards / first.Boards)).ToArray());
            linear.LegendText = "linear in boards (through the first point)";
            linear.LinePattern = LinePattern.Dashed;
            linear.MarkerSize = 0;
        }
        var logs = p.SelectMany(v => new[] { Math.Log10(v.WallSeconds), Math.Log10(Math.Max(1e-3, v.CpuSeconds)) }).DefaultIfEmpty(0).ToArray();
        double lo = Math.Floor(logs.Min()), hi = Math.Ceiling(logs.Max());
        var yTicks = Enumerable.Range((int)lo, (int)(hi - lo) + 1).Select(e => (double)e).ToArray();
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yTicks, yTicks.Select(e => $"{Math.Pow(10, e):G4} s").ToArray());
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(x, p.Select(v => v.Boards.ToString()).ToArray());
        plot.Title($"{report.Scenario}: run time vs fleet size ({report.Threads} threads)");
        plot.XLabel("boards (log scale)");
        plot.YLabel("time (log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        StressPlots.Save(plot, path);
    }
}

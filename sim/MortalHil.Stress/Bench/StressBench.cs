using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;
using ScottPlot;
using System.Text.Json;

namespace MortalHil.Stress.Bench;

/// <summary>One fleet size of the bench.</summary>
/// <param name="Boards">Fleet size.</param>
/// <param name="WallSeconds">Wall-clock time of the run.</param>
/// <param name="CpuSeconds">Processor time of the whole process during the run (all threads).</param>
/// <param name="BoardGenerations">Boards that served.</param>
/// <param name="BoardGenerationsPerSecond">Board-generations per wall-clock second.</param>
/// <param name="LineageSimulations">Lineage simulations run (spare-pool re-runs included).</param>
/// <param name="ServiceAvailability">The run's service availability.</param>
/// <param name="JournaledOutputsLost">Journaled teacher outputs lost across host crashes (must be 0).</param>
/// <param name="CpuSecondsPerBoardGeneration">Processor time per board-generation: unlike wall time, hardly moved by other jobs on the machine.</param>
/// <param name="LoadAverageBefore">The machine's one-minute load average as the size started.</param>
/// <param name="LoadAverageAfter">The same as it ended.</param>
/// <param name="Profile">The run cut into tenths by lineages finished: what each tenth cost (see <see cref="RunSlice"/>).</param>
public sealed record BenchPoint(int Boards, double WallSeconds, double CpuSeconds, int BoardGenerations, double BoardGenerationsPerSecond,
    int LineageSimulations, double ServiceAvailability, long JournaledOutputsLost, double CpuSecondsPerBoardGeneration = double.NaN,
    double LoadAverageBefore = double.NaN, double LoadAverageAfter = double.NaN, IReadOnlyList<RunSlice>? Profile = null);

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
            double loadBefore = LoadAverage.OneMinute();
            var sized = scenario.WithFleetSize(n);
            var profile = new RunProfile(sized.FleetSize * sized.Seeds.Count);
            var outcome = StressSession.Run(sized, scenarioFile, Path.Combine(outFolder, $"boards-{n}"), options with { Plots = false },
                p =>
                {
                    if (p.PoolIteration == 1) profile.Finished(p.Finished);
                    progress?.Invoke(n, p);
                }, cancel);
            var t = outcome.Report.Timing;
            points.Add(new BenchPoint(n, t.WallSeconds, t.CpuSeconds, t.BoardGenerations, t.BoardGenerationsPerSecond, t.LineageSimulations,
                outcome.Report.Metrics.Total.ServiceAvailability, outcome.Report.JournaledOutputsLost,
                t.BoardGenerations > 0 ? t.CpuSeconds / t.BoardGenerations : double.NaN, loadBefore, LoadAverage.OneMinute(), profile.Slices));
        }
        var report = new BenchReport(scenario.Name, scenarioFile, threads, scenario.Seeds, points);
        Core.Files.StampedJson.Write(Path.Combine(outFolder, "bench.json"), JsonSerializer.Serialize(report, StressReport.JsonOptions), "stress-bench", 1);
        Plot(report, Path.Combine(outFolder, "bench.png"));
        PlotProfile(report, Path.Combine(outFolder, "bench-profile.png"));
        return report;
    }

    /// <summary>Processor seconds per lineage in each tenth of each run: flat lines mean nothing grows faster than linearly.</summary>
    private static void PlotProfile(BenchReport report, string path)
    {
        var plot = new Plot();
        foreach (var point in report.Points.Where(p => p.Profile is { Count: > 0 }))
        {
            var slices = point.Profile!;
            var line = plot.Add.Scatter(Enumerable.Range(1, slices.Count).Select(i => (double)i).ToArray(), slices.Select(x => x.CpuSecondsPerLineage).ToArray());
            line.LegendText = $"{point.Boards} boards";
            line.LineWidth = 2;
        }
        plot.Title($"{report.Scenario}: processor time per lineage through each run");
        plot.XLabel("tenth of the run (by lineages finished)");
        plot.YLabel("processor seconds per lineage (all threads)");
        plot.Axes.SetLimitsY(0, Math.Max(0.1, report.Points.SelectMany(p => p.Profile ?? []).Select(x => x.CpuSecondsPerLineage).Where(double.IsFinite).DefaultIfEmpty(0).Max() * 1.2));
        plot.ShowLegend(Alignment.UpperRight);
        StressPlots.Save(plot, path);
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

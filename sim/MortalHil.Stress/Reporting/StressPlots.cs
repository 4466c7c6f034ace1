using MortalHil.Stress.Fleet;
using MortalHil.Stress.Metrics;
using ScottPlot;

namespace MortalHil.Stress.Reporting;

/// <summary>The PNG plots of a stress run (ScottPlot 5), each written atomically into the output folder.</summary>
public static class StressPlots
{
    private const int Width = 900, Height = 520;

    /// <summary>Writes availability.png, generations.png, handovers.png and handover_cost.png; returns their paths.</summary>
    public static IReadOnlyList<string> Write(StressReport report, FleetRun run, string folder)
    {
        var m = report.Metrics.Total;
        return
        [
            Availability(m, report.Scenario.Name, Path.Combine(folder, "availability.png")),
            Generations(m, report.Scenario.Name, Path.Combine(folder, "generations.png")),
            Handovers(m, report.Scenario.Name, Path.Combine(folder, "handovers.png")),
            HandoverCost(run, report.Scenario.Name, Path.Combine(folder, "handover_cost.png")),
        ];
    }

    private static string Availability(StressMetrics m, string name, string path)
    {
        var plot = new Plot();
        double[] years = m.AvailabilityOverTime.Select(p => p.Years).ToArray();
        var serving = plot.Add.Scatter(years, m.AvailabilityOverTime.Select(p => p.Serving).ToArray());
        serving.LegendText = "any board serving";
        serving.MarkerSize = 0;
        var available = plot.Add.Scatter(years, m.AvailabilityOverTime.Select(p => p.Available).ToArray());
        available.LegendText = $"serving at >= {MetricsCalculator.AvailableFraction:P0} of best accuracy";
        available.MarkerSize = 0;
        available.LineWidth = 2;
        plot.Axes.SetLimitsY(0, 1.05);
        plot.Title($"{name}: service availability {m.ServiceAvailability:P2} (share of running lineages over time)");
        plot.XLabel("simulated years");
        plot.YLabel("share of fleet");
        plot.ShowLegend(Alignment.LowerLeft);
        return Save(plot, path);
    }

    private static string Generations(StressMetrics m, string name, string path)
    {
        var plot = new Plot();
        var gens = m.KnowledgeRetainedPerGeneration;
        double[] x = gens.Select(g => (double)g.Generation).ToArray();
        var acc = plot.Add.Scatter(x, gens.Select(g => g.Accuracy.Mean).ToArray());
        acc.LegendText = "accuracy at start of service (mean)";
        acc.LineWidth = 2;
        var worst = plot.Add.Scatter(x, gens.Select(g => g.Accuracy.Min).ToArray());
        worst.LegendText = "accuracy at start of service (worst board)";
        worst.LinePattern = LinePattern.Dotted;
        var distilled = gens.Where(g => g.RetainedVsFirst.Count > 0).ToArray();
        if (distilled.Length > 0)
        {
            var kept = plot.Add.Scatter(distilled.Select(g => (double)g.Generation).ToArray(), distilled.Select(g => g.RetainedVsFirst.Mean).ToArray());
            kept.LegendText = "knowledge retained: distilled accuracy / generation 0 (mean)";
            kept.LinePattern = LinePattern.Dashed;
        }
        plot.Axes.SetLimitsY(0, 1.15);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(x, x.Select(g => g.ToString("0")).ToArray());
        plot.Title($"{name}: knowledge retained per generation");
        plot.XLabel("generation (0 = trained from labels)");
        plot.YLabel("accuracy / ratio");
        plot.ShowLegend(Alignment.LowerLeft);
        return Save(plot, path);
    }

    private static string Handovers(StressMetrics m, string name, string path)
    {
        var h = m.Handovers;
        (string Label, double Value)[] bars =
        [
            ("started", h.Started), ("completed", h.Completed), ("failed", h.Failed), ("unfinished", h.Unfinished),
            ("resumed", h.Resumed), ("lost before\nhandover", h.LostBeforeHandover), ("cold starts", h.ColdStarts),
        ];
        var plot = new Plot();
        var series = plot.Add.Bars(bars.Select((_, i) => (double)i).ToArray(), bars.Select(b => b.Value).ToArray());
        foreach (var (bar, i) in series.Bars.Select((b, i) => (b, i))) bar.Label = bars[i].Value.ToString("0");
        series.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            bars.Select((_, i) => (double)i).ToArray(), bars.Select(b => b.Label).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{name}: handovers (journaled outputs lost: {m.JournaledOutputsLost} of {m.JournaledOutputsChecked} checked)");
        plot.YLabel("count");
        return Save(plot, path);
    }

    private static string HandoverCost(FleetRun run, string name, string path)
    {
        var done = run.Seeds.SelectMany(s => s.Lineages).SelectMany(l => l.Handovers).Where(h => h.Outcome == HandoverOutcome.Completed).ToArray();
        var plot = new Plot();
        if (done.Length > 0)
        {
            var resumed = done.Where(h => h.Resumes > 0).ToArray();
            var clean = done.Where(h => h.Resumes == 0).ToArray();
            if (clean.Length > 0)
            {
                var a = plot.Add.ScatterPoints(clean.Select(h => (double)h.TeacherQueries).ToArray(), clean.Select(h => (double)h.StudentPulses).ToArray());
                a.LegendText = "handover without resume";
            }
            if (resumed.Length > 0)
            {
                var b = plot.Add.ScatterPoints(resumed.Select(h => (double)h.TeacherQueries).ToArray(), resumed.Select(h => (double)h.StudentPulses).ToArray());
                b.LegendText = "resumed from journal";
                b.MarkerShape = MarkerShape.OpenCircle;
                b.MarkerSize = 8;
            }
            plot.ShowLegend(Alignment.UpperRight);
        }
        plot.Title($"{name}: cost of each completed handover ({done.Length})");
        plot.XLabel("teacher queries (samples read, retries included)");
        plot.YLabel("student pulses");
        return Save(plot, path);
    }

    /// <summary>Saves a plot as PNG through a temporary file.</summary>
    internal static string Save(Plot plot, string path)
    {
        string tmp = path + ".tmp.png";
        plot.SavePng(tmp, Width, Height);
        File.Move(tmp, path, overwrite: true);
        return path;
    }
}

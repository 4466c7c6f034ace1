using System.Globalization;
using System.Text;
using MortalHil.Core.Files;
using ScottPlot;

namespace MortalHil.Fleet.Stress;

/// <summary><c>silo-bench.csv</c> (stamped) and <c>silo-bench.png</c>: board-generations per second of each configuration.</summary>
public static class SiloBenchTable
{
    public static void Write(SiloBenchReport report, string outFolder)
    {
        double inProcess = report.Points.FirstOrDefault(p => p.Silos == 0)?.BoardGenerationsPerSecond ?? double.NaN;
        double onePinned = report.Points.FirstOrDefault(p => p.Silos == 1 && p.Pinned)?.BoardGenerationsPerSecond ?? double.NaN;
        var csv = new StringBuilder("config,silos,pinned,boards,wall_s,client_cpu_s,silo_cpu_s,board_generations,board_generations_per_s,vs_in_process,vs_one_pinned_silo,bytes_sent,bytes_received,same_metrics_as_in_process,load_before,warmup_lineages,lineage_simulations,client_cpu_ms_per_lineage\n");
        foreach (var p in report.Points)
            csv.AppendLine(string.Join(',', Quote(p.Config), I(p.Silos), p.Pinned ? "true" : "false", I(p.Boards), F(p.WallSeconds), F(p.ClientCpuSeconds), F(p.SiloCpuSeconds),
                I(p.BoardGenerations), F(p.BoardGenerationsPerSecond), F(p.BoardGenerationsPerSecond / inProcess), F(p.BoardGenerationsPerSecond / onePinned),
                I(p.BytesSent), I(p.BytesReceived), p.SameMetricsAsInProcess switch { null => "", true => "true", false => "false" }, F(p.LoadAverageBefore), I(p.WarmupLineages),
                I(p.LineageSimulations), p.ClientCpuMillisecondsPerLineage is double ms ? F(ms) : ""));
        StampedCsv.Write(Path.Combine(outFolder, "silo-bench.csv"), csv.ToString(), "silo-bench", 3);

        var plot = new Plot();
        var values = report.Points.Select(p => p.BoardGenerationsPerSecond).ToArray();
        var positions = values.Select((_, i) => (double)i).ToArray();
        var bars = plot.Add.Bars(positions, values);
        foreach (var (bar, i) in bars.Bars.Select((b, i) => (b, i))) bar.Label = values[i].ToString("0.0", CultureInfo.InvariantCulture);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions,
            report.Points.Select(p => p.Silos == 0 ? "in-process" : $"{p.Silos} silo{(p.Silos > 1 ? "s" : "")}\n{(p.Pinned ? "pinned" : "shared")}").ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{report.Scenario}, {report.Boards} boards, {report.Cores} cores: board-generations per second");
        plot.YLabel("board-generations / s (wall)");
        string path = Path.Combine(outFolder, "silo-bench.png"), tmp = path + ".tmp.png";
        plot.SavePng(tmp, 900, 500);
        File.Move(tmp, path, overwrite: true);
    }

    private static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "";
    private static string Quote(string s) => s.Contains(',') ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}

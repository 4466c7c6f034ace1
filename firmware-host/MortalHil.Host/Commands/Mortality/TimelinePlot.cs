using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Host.Plots;
using ScottPlot;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>One accuracy measurement of one board at a moment of simulated time.</summary>

/// <summary>Both boards' accuracy over simulated time, the handover window shaded, the call and the teacher's death marked.</summary>
public static class TimelinePlot
{
    public static void Save(string path, string title, IReadOnlyList<TimelinePoint> points, (double Start, double End)? handover,
        double? calledAt, double? teacherDiedAt, double? studentDiedAt = null)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("simulated time since the teacher was trained (years)");
        plot.YLabel("test accuracy");
        double xMax = points.Count > 0 ? points.Max(p => p.Years) : 1;
        if (handover is { } h)
        {
            // A handover takes days; keep it visible on a scale of years.
            double width = Math.Max(h.End - h.Start, xMax * 0.004);
            var span = plot.Add.HorizontalSpan(h.Start, h.Start + width);
            span.FillStyle.Color = Colors.Orange.WithAlpha(0.35);
            span.LegendText = $"handover ({(h.End - h.Start) * 365.25 * 24:F0} h)";
        }
        var palette = new[] { Colors.SteelBlue, Colors.ForestGreen, Colors.Purple, Colors.Gray };
        int next = 0;
        foreach (var board in points.Select(p => p.Board).Distinct())
        {
            var series = points.Where(p => p.Board == board && !double.IsNaN(p.Accuracy)).ToArray();
            if (series.Length == 0) continue;
            var line = plot.Add.Scatter(series.Select(p => p.Years).ToArray(), series.Select(p => p.Accuracy).ToArray());
            line.Color = palette[next++ % palette.Length];
            line.LegendText = board;
            line.MarkerSize = 3;
            line.LineWidth = 1.5f;
        }
        if (calledAt is { } c)
        {
            var call = plot.Add.VerticalLine(c);
            call.LinePattern = LinePattern.Dashed;
            call.LegendText = "predictor calls handover";
        }
        if (teacherDiedAt is { } d)
        {
            var death = plot.Add.VerticalLine(d);
            death.Color = Colors.Red;
            death.LegendText = "teacher dies";
        }
        if (studentDiedAt is { } sd)
        {
            var death = plot.Add.VerticalLine(sd);
            death.Color = Colors.DarkRed;
            death.LinePattern = LinePattern.Dotted;
            death.LegendText = "student dies";
        }
        plot.Axes.SetLimitsY(0, 1.02);
        plot.ShowLegend(Alignment.LowerLeft);
        PngFile.Save(plot, path, 1000, 560);
    }
}

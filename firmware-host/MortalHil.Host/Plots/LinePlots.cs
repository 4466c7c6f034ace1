using ScottPlot;

namespace MortalHil.Host.Plots;

/// <summary>One named series of a line plot.</summary>
public sealed record PlotSeries(string Name, double[] X, double[] Y);

/// <summary>Line plots written as PNG with ScottPlot (to a temporary file, then renamed).</summary>
public static class LinePlots
{
    public static void Save(string path, string title, string xLabel, string yLabel, IEnumerable<PlotSeries> series,
        bool logX = false, (double Min, double Max)? yRange = null, int width = 900, int height = 560)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(logX ? xLabel + " (log2)" : xLabel);
        plot.YLabel(yLabel);
        foreach (var s in series)
        {
            var xs = logX ? s.X.Select(Math.Log2).ToArray() : s.X;
            var line = plot.Add.Scatter(xs, s.Y);
            line.LegendText = s.Name;
            line.MarkerSize = 5;
        }
        if (yRange is { } r) plot.Axes.SetLimitsY(r.Min, r.Max);
        plot.ShowLegend(Alignment.LowerRight);
        var full = Path.GetFullPath(path);
        // A temporary name of its own: two runs writing into one folder must not rename each other's half-written file.
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}-{Path.GetFileName(full)}");
        plot.SavePng(temp, width, height);
        File.Move(temp, full, overwrite: true);
    }
}

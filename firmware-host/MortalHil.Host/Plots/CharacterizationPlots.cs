using MortalHil.Core.Characterization;

namespace MortalHil.Host.Plots;

/// <summary>The pictures of a characterisation: conductance map and pulse response.</summary>
public static class CharacterizationPlots
{
    /// <summary>Heatmap of tile 0's conductances (uS), rows down, columns across.</summary>
    public static void ConductanceMap(CharacterizationReport report, string path)
    {
        var data = new double[report.Rows, report.Cols];
        for (int r = 0; r < report.Rows; r++)
            for (int c = 0; c < report.Cols; c++)
                data[r, c] = report.ConductanceMap[r * report.Cols + c] * 1e6;
        var plot = new ScottPlot.Plot();
        var map = plot.Add.Heatmap(data);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map).Label = "conductance (uS)";
        plot.Title($"{report.Kind} {report.SerialNumber}: tile 0 as found ({report.Rows}x{report.Cols})");
        plot.XLabel("column");
        plot.YLabel("row");
        int width = Math.Clamp(report.Cols + 250, 500, 1400), height = Math.Clamp(report.Rows + 150, 400, 1200);
        PngFile.Save(plot, path, width, height);
    }

    /// <summary>Conductance (uS) of a few cells against pulse number: up from the lower bound, then down.</summary>
    public static void PulseResponse(CharacterizationReport report, string path)
    {
        var curves = report.PulseResponse;
        var plot = new ScottPlot.Plot();
        double[] xs = curves.PulseNumber.Select(p => (double)p).ToArray();
        for (int c = 0; c < curves.Cells.Count; c++)
        {
            var line = plot.Add.Scatter(xs, curves.Siemens[c].Select(g => g * 1e6).ToArray());
            line.LegendText = curves.Cells[c];
            line.MarkerSize = 0;
            line.LineWidth = 1.5f;
        }
        if (curves.UpPoints > 0 && curves.UpPoints < xs.Length)
        {
            var turn = plot.Add.VerticalLine(xs[curves.UpPoints - 1]);
            turn.LinePattern = ScottPlot.LinePattern.Dashed;
            turn.LegendText = "up | down";
        }
        plot.Title($"{report.Kind} {report.SerialNumber}: pulse response (nominal pulses)");
        plot.XLabel("pulse number");
        plot.YLabel("conductance (uS)");
        plot.ShowLegend();
        PngFile.Save(plot, path, 900, 500);
    }
}

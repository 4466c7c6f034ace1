using MortalHil.Core.Community;
using MortalHil.Host.Plots;

namespace MortalHil.Host.Commands.Community;

/// <summary>
/// The community plot: mean test accuracy of a community's boards against the bits it exchanged (log scale), one line
/// per (method, K, shards). Round 0 (nothing exchanged) and the control (nothing ever exchanged) cannot sit on a log axis
/// and are left to the table.
/// </summary>
public static class CommunityPlot
{
    /// <summary>Writes the plot of <paramref name="points"/> (only those on <paramref name="shards"/> when given).</summary>
    public static void Save(string path, IReadOnlyList<CommunityPoint> points, ShardKind? shards = null)
    {
        if (shards is ShardKind only) points = points.Where(p => p.Shards == only).ToList();
        // On a fleet the x axis is what was measured on the network; in one process, the bits the messages hold.
        bool measured = points.Any(p => p.NetworkBits is not null);
        double X(CommunityReport.SummaryRow r) => measured ? r.NetworkBits ?? 0 : r.BitsSent;
        var series = CommunityReport.Summary(points)
            .Where(r => r.Round > 0 && X(r) > 0)
            .GroupBy(r => (r.Method, r.Boards, r.Shards))
            .OrderBy(g => g.Key.Method).ThenBy(g => g.Key.Shards).ThenBy(g => g.Key.Boards)
            .Select(g => new PlotSeries($"{Short(g.Key.Method)} K={g.Key.Boards} {CommunityReport.Name(g.Key.Shards)}",
                g.OrderBy(r => r.Round).Select(X).ToArray(), g.OrderBy(r => r.Round).Select(r => r.Mean).ToArray()))
            .ToList();
        // The y axis starts at the tenth below the lowest mean plotted, so the differences near the top stay visible.
        double low = series.Count == 0 ? 0 : Math.Max(0, Math.Floor(series.Min(s => s.Y.Min()) * 10) / 10 - 0.05);
        string title = "A community of boards: mean test accuracy vs bits exchanged" + (shards is ShardKind k ? $" ({CommunityReport.Name(k)} shards)" : "");
        LinePlots.Save(path, title, measured ? "bits that crossed the network (measured)" : "bits exchanged by the community", "test accuracy (mean over boards)",
            series, logX: true, yRange: (low, 1), width: 1100, height: 700);
    }

    private static string Short(SharingMethod m) => m switch
    {
        SharingMethod.DigitalWeightAveraging => "digital avg",
        SharingMethod.MutualDistillation => "mortal distil",
        SharingMethod.ConductanceAveraging => "mortal G avg",
        _ => m.ToString(),
    };
}

using MortalHil.Core.Community;
using MortalHil.Host.Plots;

namespace MortalHil.Host.Commands.Community;

/// <summary>
/// The community plot: mean test accuracy of a community's boards against the bits it exchanged (log scale), one line
/// per (method, K, shards). Round 0 (nothing exchanged) cannot sit on a log axis and is left to the table.
/// </summary>
public static class CommunityPlot
{
    public static void Save(string path, IReadOnlyList<CommunityPoint> points)
    {
        var series = CommunityReport.Summary(points)
            .Where(r => r.Round > 0 && r.BitsSent > 0)
            .GroupBy(r => (r.Method, r.Boards, r.Shards))
            .OrderBy(g => g.Key.Method).ThenBy(g => g.Key.Shards).ThenBy(g => g.Key.Boards)
            .Select(g => new PlotSeries($"{Short(g.Key.Method)} K={g.Key.Boards} {CommunityReport.Name(g.Key.Shards)}",
                g.OrderBy(r => r.Round).Select(r => r.BitsSent).ToArray(), g.OrderBy(r => r.Round).Select(r => r.Mean).ToArray()))
            .ToList();
        LinePlots.Save(path, "A community of boards: mean test accuracy vs bits exchanged", "bits exchanged by the community", "test accuracy (mean over boards)",
            series, logX: true, yRange: (0, 1), width: 1100, height: 700);
    }

    private static string Short(SharingMethod m) => m switch
    {
        SharingMethod.DigitalWeightAveraging => "digital avg",
        SharingMethod.MutualDistillation => "mortal distil",
        SharingMethod.ConductanceAveraging => "mortal G avg",
        _ => m.ToString(),
    };
}

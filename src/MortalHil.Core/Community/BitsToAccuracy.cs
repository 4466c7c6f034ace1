namespace MortalHil.Core.Community;

/// <summary>
/// The question read off a run: how many bits each way of sharing had exchanged when its boards' mean test
/// accuracy first reached a target (the first round whose mean is at or above it). A community that reached the target
/// before any exchange needed 0 bits; one that never reached it within the run's rounds is "not reached" (null).
/// </summary>
public static class BitsToAccuracy
{
    /// <summary>One (way of sharing, shards, K, target): the first round at or above the target, and the bits exchanged by then.</summary>
    /// <param name="Method">The way of sharing.</param>
    /// <param name="Shards">Balanced or class-skewed shards.</param>
    /// <param name="Boards">Boards in the community (K).</param>
    /// <param name="Target">Mean accuracy to reach, as a fraction (0.9 = 90 %).</param>
    /// <param name="Round">First round whose mean accuracy is at or above the target; null: not reached.</param>
    /// <param name="BitsSent">Message bits exchanged up to that round; null: not reached.</param>
    /// <param name="NetworkBits">On a fleet, bits measured on the network up to that round; null in one process or not reached.</param>
    /// <param name="BestMean">The best mean accuracy of the run (to say how far a community that did not reach the target got).</param>
    public sealed record Row(SharingMethod Method, ShardKind Shards, int Boards, double Target, int? Round, double? BitsSent, double? NetworkBits, double BestMean);

    /// <summary>A row per (way of sharing, shards, K) and target, in the order the run measured them, targets ascending.</summary>
    public static IReadOnlyList<Row> Read(IReadOnlyList<CommunityPoint> points, IReadOnlyList<double> targets)
    {
        foreach (var t in targets)
            if (!(t > 0 && t <= 1)) throw new ArgumentOutOfRangeException(nameof(targets), $"a target accuracy of {t} is not a fraction in (0, 1]");
        var rows = new List<Row>();
        foreach (var run in CommunityReport.Summary(points).GroupBy(r => (r.Method, r.Shards, r.Boards)))
        {
            var rounds = run.OrderBy(r => r.Round).ToList();
            double best = rounds.Max(r => r.Mean);
            foreach (var target in targets.Order())
            {
                var first = rounds.FirstOrDefault(r => r.Mean >= target);
                rows.Add(first is null
                    ? new Row(run.Key.Method, run.Key.Shards, run.Key.Boards, target, null, null, null, best)
                    : new Row(run.Key.Method, run.Key.Shards, run.Key.Boards, target, first.Round, first.BitsSent, first.NetworkBits, best));
            }
        }
        return rows;
    }
}

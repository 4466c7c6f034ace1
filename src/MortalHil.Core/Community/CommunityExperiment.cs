using MortalHil.Core.Data;
using MortalHil.Core.Devices;

namespace MortalHil.Core.Community;

/// <summary>
/// The whole comparison: for each community size K and each kind of shard, the three ways of sharing on the same
/// shards, transfer set and test set. Boards come from <c>openBoard</c> (a fresh board per call, named by method, K,
/// shard kind and index), so each method starts from boards no other method has touched.
/// </summary>
public static class CommunityExperiment
{
    public static IReadOnlyList<CommunityPoint> Run(ImageDataset data, IReadOnlyList<int> sizes, IReadOnlyList<ShardKind> kinds, CommunitySettings s,
        Func<string, IDevice> openBoard, TextWriter log)
    {
        var points = new List<CommunityPoint>();
        foreach (var k in sizes)
        foreach (var kind in kinds)
        {
            var task = CommunityTask.Build(data.Train, data.Test, k, kind, s);
            string tag = $"{k}-{kind.ToString().ToLowerInvariant()}";
            var round = new List<CommunityPoint>();
            void Report(CommunityPoint p)
            {
                round.Add(p);
                if (round.Count < p.Boards) return;
                log.WriteLine(FormattableString.Invariant(
                    $"K={k} {kind} {p.Method.Name()} round {p.Round}: mean accuracy {round.Average(q => q.Accuracy):P2}, {p.BitsSent:G4} bits"));
                round.Clear();
            }
            points.AddRange(DigitalWeightAveraging.Run(task, s, Report));
            points.AddRange(MutualDistillation.Run(task, Open(openBoard, "distil", tag, k), s, Report));
            points.AddRange(ConductanceAveraging.Run(task, Open(openBoard, "average", tag, k), s, Report));
        }
        return points;
    }

    private static IDevice[] Open(Func<string, IDevice> openBoard, string method, string tag, int k) =>
        Enumerable.Range(0, k).Select(b => openBoard($"community-{method}-{tag}-{b}")).ToArray();
}

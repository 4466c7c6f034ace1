using MortalHil.Core.Data;
using MortalHil.Core.Devices;

namespace MortalHil.Core.Community;

/// <summary>
/// The whole comparison: for each community size K and each kind of shard, the ways of sharing on the same shards,
/// transfer set and test set, and the control that shares nothing. Each way of sharing starts from boards no other has
/// touched (the control starts from copies of mutual distillation's).
/// </summary>
public static class CommunityExperiment
{
    /// <summary>The ways of sharing compared, in the order they run, then the control.</summary>
    public static IReadOnlyList<SharingMethod> Methods { get; } =
        [SharingMethod.DigitalWeightAveraging, SharingMethod.MutualDistillation, SharingMethod.ConductanceAveraging, SharingMethod.MortalAlone];

    /// <summary>In this process, boards from <paramref name="openBoard"/> (a fresh board per serial).</summary>
    public static IReadOnlyList<CommunityPoint> Run(ImageDataset data, IReadOnlyList<int> sizes, IReadOnlyList<ShardKind> kinds, CommunitySettings s,
        Func<string, IDevice> openBoard, TextWriter log, IReadOnlyList<SharingMethod>? methods = null) =>
        RunAsync(new LocalCommunity(data, s, openBoard), sizes, kinds, s, data.Test.Classes, log, methods).GetAwaiter().GetResult();

    /// <summary>Wherever <paramref name="place"/> keeps the boards.</summary>
    public static async Task<IReadOnlyList<CommunityPoint>> RunAsync(ICommunityPlace place, IReadOnlyList<int> sizes, IReadOnlyList<ShardKind> kinds,
        CommunitySettings s, int classes, TextWriter log, IReadOnlyList<SharingMethod>? methods = null)
    {
        var points = new List<CommunityPoint>();
        foreach (var k in sizes)
        foreach (var kind in kinds)
        {
            var round = new List<CommunityPoint>();
            void Report(CommunityPoint p)
            {
                round.Add(p);
                if (round.Count < p.Boards) return;
                string network = p.NetworkBits is double nb ? FormattableString.Invariant($", {nb:G4} bits measured on the network") : "";
                log.WriteLine(FormattableString.Invariant(
                    $"K={k} {kind} {p.Method.Name()} round {p.Round}: mean accuracy {round.Average(q => q.Accuracy):P2}, {p.BitsSent:G4} bits{network}"));
                round.Clear();
            }
            var hub = new CommunityHub(s, kind, classes, place.NetworkBytes);
            foreach (var method in methods ?? Methods)
            {
                try
                {
                    points.AddRange(await hub.RunAsync(method, k, place.Joiner(method, k, kind, CommunityPeers.BoardTag(method, k, kind)), Report));
                }
                finally
                {
                    await place.DismissAsync(method, k, kind);
                }
            }
        }
        return points;
    }
}

using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Community;

/// <summary>
/// Identical digital replicas (the <c>bp-digital</c> reference: <see cref="FloatNetwork"/> trained by
/// <see cref="DigitalBackpropTrainer"/>) sharing by federated averaging (McMahan et al. 2017, FedAvg): all start from
/// the same weights; each round every replica trains on its own shard, uploads its weights and biases to a hub as
/// float32, and downloads the mean. This is possible only because every replica computes with exactly the same
/// function of its parameters.
/// </summary>
public static class DigitalWeightAveraging
{
    /// <summary>Parameters of a network: every weight and every bias.</summary>
    public static long Parameters(FloatNetwork net) => net.Weights.Sum(w => (long)w.Length) + net.Biases.Sum(b => (long)b.Length);

    public static IReadOnlyList<CommunityPoint> Run(CommunityTask task, CommunitySettings s, Action<CommunityPoint>? progress = null) =>
        new CommunityHub(s, task.Kind, task.Classes).RunAsync(SharingMethod.DigitalWeightAveraging, task.Boards,
            (b, start) => Task.FromResult(CommunityPeers.Create(SharingMethod.DigitalWeightAveraging, task, s, b, start, () => throw new InvalidOperationException("digital replicas have no board"))), progress).GetAwaiter().GetResult();

    internal static int SeedFor(int seed, int round, int board) => unchecked(seed * 7919 + round * 131 + board * 17 + 1);
}

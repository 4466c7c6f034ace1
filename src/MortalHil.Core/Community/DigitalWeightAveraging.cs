using MortalHil.Core.Data;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Losses;
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

    public static IReadOnlyList<CommunityPoint> Run(CommunityTask task, CommunitySettings s, Action<CommunityPoint>? progress = null)
    {
        s.Validate();
        int k = task.Boards;
        var start = FloatNetwork.Random(s.Shape, s.Seed);
        var replicas = Enumerable.Range(0, k).Select(_ => Clone(start)).ToArray();
        var trainers = replicas.Select(_ => new DigitalBackpropTrainer(new DigitalBackpropOptions(s.DigitalLearningRate))).ToArray();
        long parameters = Parameters(start);
        var points = new List<CommunityPoint>();
        long messages = 0;
        for (int round = 0; round <= s.Rounds; round++)
        {
            for (int b = 0; b < k; b++)
                TrainOnShard(replicas[b], trainers[b], task.Shards[b], s.LocalEpochs, s.Batch, SeedFor(s.Seed, round, b));
            if (round > 0)
            {
                Average(replicas);
                messages += ExchangeBits.MessagesPerRound(k);
            }
            double bits = ExchangeBits.Weights(parameters, messages);
            for (int b = 0; b < k; b++)
            {
                var (all, home, away) = ClassSplitAccuracy.Of(replicas[b], task.Test, task.HomeClasses(b), s.TestLimit);
                var p = new CommunityPoint(SharingMethod.DigitalWeightAveraging, task.Kind, k, b, round, bits, bits, all, home, away, 0);
                points.Add(p);
                progress?.Invoke(p);
            }
        }
        return points;
    }

    /// <summary>Sets every replica's weights and biases to their mean over the replicas.</summary>
    public static void Average(IReadOnlyList<FloatNetwork> replicas)
    {
        var first = replicas[0];
        for (int l = 0; l < first.Weights.Length; l++)
        {
            AverageInto(replicas.Select(r => r.Weights[l]).ToArray());
            AverageInto(replicas.Select(r => r.Biases[l]).ToArray());
        }
    }

    private static void AverageInto(float[][] arrays)
    {
        var mean = new double[arrays[0].Length];
        foreach (var a in arrays)
            for (int i = 0; i < mean.Length; i++) mean[i] += a[i];
        foreach (var a in arrays)
            for (int i = 0; i < mean.Length; i++) a[i] = (float)(mean[i] / arrays.Length);
    }

    private static void TrainOnShard(FloatNetwork net, DigitalBackpropTrainer trainer, LabeledImageSet shard, int epochs, int batch, int seed)
    {
        int n = shard.Features, c = shard.Classes;
        var order = Enumerable.Range(0, shard.Count).ToArray();
        var rng = SeededRandom.For(seed, "community-digital-order");
        var x = new float[batch * n];
        var labels = new byte[batch];
        var t = new float[batch * c];
        for (int e = 0; e < epochs; e++)
        {
            rng.Shuffle(order);
            for (int first = 0; first + batch <= shard.Count; first += batch)
            {
                shard.Gather(order.AsSpan(first, batch), x, labels);
                TargetDistributions.OneHot(labels, c, t);
                trainer.Step(net, x, t, batch);
            }
        }
    }

    private static FloatNetwork Clone(FloatNetwork net) =>
        new(net.Shape, net.Weights.Select(w => (float[])w.Clone()).ToArray(), net.Biases.Select(b => (float[])b.Clone()).ToArray());

    internal static int SeedFor(int seed, int round, int board) => unchecked(seed * 7919 + round * 131 + board * 17 + 1);
}

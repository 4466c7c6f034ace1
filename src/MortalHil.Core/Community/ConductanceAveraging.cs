using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Community;

/// <summary>
/// Mortal boards trying to share the way digital replicas do: all start from one board's measured weights
/// programmed onto the others; each round every board trains on its shard, its weights are read back through
/// <see cref="IDevice"/>'s conductance measurement (what a real board offers) and sent to the hub as float32, and
/// the mean is programmed back onto every board (program-and-verify) with the mean of the host-side biases. Whatever
/// the boards' differences do to that mean is what this measures.
/// </summary>
public static class ConductanceAveraging
{
    public static IReadOnlyList<CommunityPoint> Run(CommunityTask task, IReadOnlyList<IDevice> boards, CommunitySettings s, Action<CommunityPoint>? progress = null)
    {
        s.Validate();
        if (boards.Count != task.Boards) throw new ArgumentException($"{boards.Count} boards for {task.Boards} shards");
        int k = task.Boards;
        var first = MortalMember.Join(boards[0], 0, s, task.Shards[0]);
        var startWeights = NetworkWeights.Measure(first.Network);
        var startBiases = first.Network.Layers.Select(l => (float[])l.Bias.Clone()).ToArray();
        var members = new[] { first }.Concat(Enumerable.Range(1, k - 1)
            .Select(b => MortalMember.Join(boards[b], b, s, task.Shards[b], startWeights, startBiases))).ToArray();
        long parameters = startWeights.Sum(w => (long)w.Length) + startBiases.Sum(b => (long)b.Length);
        var points = new List<CommunityPoint>();
        long messages = 0;
        for (int round = 0; round <= s.Rounds; round++)
        {
            foreach (var member in members) member.Learn(s.LocalEpochs, s.Batch, DigitalWeightAveraging.SeedFor(s.Seed, round, member.Index));
            if (round > 0)
            {
                Average(members, task);
                messages += ExchangeBits.MessagesPerRound(k);
            }
            double bits = ExchangeBits.Weights(parameters, messages);
            foreach (var member in members)
            {
                var (all, home, away) = ClassSplitAccuracy.Of(member.Network, task.Test, task.HomeClasses(member.Index), s.TestLimit);
                var p = new CommunityPoint(SharingMethod.ConductanceAveraging, task.Kind, k, member.Index, round, bits, bits, all, home, away, member.Pulses);
                points.Add(p);
                progress?.Invoke(p);
            }
        }
        return points;
    }

    /// <summary>Measures every board's weights, and programs their mean (and the mean bias) onto every board.</summary>
    public static void Average(IReadOnlyList<MortalMember> members, CommunityTask task)
    {
        var measured = members.Select(m => NetworkWeights.Measure(m.Network)).ToArray();
        int layers = measured[0].Length;
        for (int l = 0; l < layers; l++)
        {
            var mean = new float[measured[0][l].Length];
            for (int i = 0; i < mean.Length; i++)
            {
                double sum = 0;
                foreach (var w in measured) sum += w[l][i];
                mean[i] = (float)(sum / measured.Length);
            }
            var bias = new float[members[0].Network.Layers[l].Bias.Length];
            for (int i = 0; i < bias.Length; i++) bias[i] = members.Average(m => m.Network.Layers[l].Bias[i]);
            foreach (var m in members)
            {
                WeightProgrammer.For(m.Network).ProgramLayer(m.Network, m.Network.Layers[l], mean, ChainCopy.Programming);
                bias.CopyTo(m.Network.Layers[l].Bias, 0);
            }
        }
        foreach (var m in members)
        {
            int n = Math.Min(512, m.Shard.Count);
            BoardCalibration.FitRanges(m.Network, m.Shard.Pixels.AsSpan(0, n * m.Shard.Features), n);
        }
    }
}

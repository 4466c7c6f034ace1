using MortalHil.Core.Community;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Tests.Community;

public class ConductanceAveragingTests
{
    [Fact]
    public void Averaging_programs_the_mean_of_the_measured_weights_onto_every_board_and_counts_weight_bits()
    {
        var (train, test) = CommunityFixture.Data();
        var s = CommunityFixture.Settings(rounds: 1);
        var task = CommunityTask.Build(train, test, 2, ShardKind.Skewed, s);
        var boards = CommunityFixture.Boards(2);
        var points = ConductanceAveraging.Run(task, boards, s);
        long parameters = 16 * 12 + 12 + 12 * 4 + 4;
        Assert.All(points, p => Assert.Equal(parameters * 32.0 * 4 * p.Round, p.BitsSent));

        // Averaging itself, checked directly: after it, both boards measure (nearly) the mean of what they held before.
        var members = Enumerable.Range(0, 2).Select(b => MortalMember.Join(CommunityFixture.Boards(2)[b], b, s, task.Shards[b])).ToArray();
        foreach (var m in members) m.Learn(1, s.Batch, seed: 9);
        var before = members.Select(m => NetworkWeights.Measure(m.Network)).ToArray();
        ConductanceAveraging.Average(members, task, s);
        for (int l = 0; l < before[0].Length; l++)
        {
            var mean = before[0][l].Zip(before[1][l], (a, b) => (a + b) / 2).ToArray();
            var after = members.Select(m => NetworkWeights.MeasureLayer(m.Network, m.Network.Layers[l])).ToArray();
            double apartBefore = Rms(before[0][l], before[1][l]), apartAfter = Rms(after[0], after[1]);
            Assert.True(apartAfter < 0.3 * apartBefore, $"layer {l}: boards {apartBefore:G3} apart before, {apartAfter:G3} after averaging");
            foreach (var a in after)
                Assert.True(Rms(a, mean) < 0.3 * apartBefore, $"layer {l}: programmed mean off by {Rms(a, mean):G3}");
        }
    }

    private static double Rms(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average());
}

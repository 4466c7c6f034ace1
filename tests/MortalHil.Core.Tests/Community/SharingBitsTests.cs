using MortalHil.Core.Community;
using MortalHil.Core.Learning.Digital;

namespace MortalHil.Core.Tests.Community;

public class SharingBitsTests
{
    [Fact]
    public void Digital_weight_averaging_sends_parameters_times_32_bits_per_message_and_leaves_the_replicas_identical()
    {
        var (train, test) = CommunityFixture.Data();
        var s = CommunityFixture.Settings(rounds: 3);
        var task = CommunityTask.Build(train, test, 3, ShardKind.Skewed, s);
        var points = DigitalWeightAveraging.Run(task, s);
        long parameters = 16 * 12 + 12 + 12 * 4 + 4;
        Assert.Equal(parameters, DigitalWeightAveraging.Parameters(FloatNetwork.Random(s.Shape, 1)));
        for (int round = 0; round <= 3; round++)
        {
            var r = points.Where(p => p.Round == round).ToList();
            Assert.Equal(3, r.Count);
            // K uploads and K downloads of every parameter as float32, per round.
            Assert.All(r, p => Assert.Equal(parameters * 32.0 * 2 * 3 * round, p.BitsSent));
            if (round > 0) Assert.Single(r.Select(p => p.Accuracy).Distinct()); // every replica holds the mean
        }
        // Averaging skewed replicas beats each replica alone (round 0 knows only its own classes).
        Assert.True(points.Where(p => p.Round == 3).Average(p => p.Accuracy) > points.Where(p => p.Round == 0).Average(p => p.Accuracy) + 0.2);
    }

    [Fact]
    public void Mutual_distillation_counts_examples_times_classes_times_bits_per_message_and_less_information()
    {
        var (train, test) = CommunityFixture.Data();
        var s = CommunityFixture.Settings(rounds: 2);
        var task = CommunityTask.Build(train, test, 2, ShardKind.Balanced, s);
        var points = MutualDistillation.Run(task, CommunityFixture.Boards(2), s);
        foreach (var p in points)
        {
            Assert.Equal(256.0 * 4 * 8 * (2 * 2) * p.Round, p.BitsSent);
            if (p.Round > 0) Assert.InRange(p.InformationBits, 1, p.BitsSent * 0.9);
        }
    }
}

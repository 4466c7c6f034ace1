using MortalHil.Core.Community;

namespace MortalHil.Core.Tests.Community;

public class MutualDistillationTests
{
    [Fact]
    public void Distilling_from_the_other_board_teaches_a_board_the_classes_it_never_saw()
    {
        var (train, test) = CommunityFixture.Data();
        // Each board sees only its own two classes; the distillation lesson outweighs the labels two to one.
        var s = CommunityFixture.Settings(rounds: 3, skew: 1.0) with { LocalEpochs = 2, DistilEpochs = 4 };
        var task = CommunityTask.Build(train, test, 2, ShardKind.Skewed, s);
        Assert.All(task.Shards[0].Labels, l => Assert.Contains((int)l, task.HomeClasses(0)));
        var points = MutualDistillation.Run(task, CommunityFixture.Boards(2), s);
        foreach (var board in new[] { 0, 1 })
        {
            var before = points.Single(p => p.Board == board && p.Round == 0);
            var first = points.Single(p => p.Board == board && p.Round == 1);
            var last = points.Single(p => p.Board == board && p.Round == 3);
            Assert.True(before.AwayAccuracy < 0.05, $"board {board} already knew the other classes: {before.AwayAccuracy:P1}");
            Assert.True(first.AwayAccuracy > 0.4, $"board {board}: never-seen classes {before.AwayAccuracy:P1} -> {first.AwayAccuracy:P1} after one exchange");
            Assert.True(last.Accuracy > before.Accuracy + 0.3, $"board {board}: {before.Accuracy:P1} -> {last.Accuracy:P1}");
            Assert.True(last.Pulses > before.Pulses);
        }
    }
}

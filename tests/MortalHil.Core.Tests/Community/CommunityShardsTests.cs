using MortalHil.Core.Community;

namespace MortalHil.Core.Tests.Community;

public class CommunityShardsTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Balanced_shards_are_disjoint_equal_and_hold_every_class_alike(int k)
    {
        var (train, _) = CommunityFixture.Data();
        var shards = CommunityShards.Deal(train, k, 200, ShardKind.Balanced, 0.9, seed: 1);
        Assert.All(shards, s => Assert.Equal(200, s.Count));
        foreach (var s in shards)
        {
            var perClass = Enumerable.Range(0, 4).Select(c => s.Labels.Count(l => l == c)).ToArray();
            Assert.True(perClass.Max() - perClass.Min() <= 1, string.Join(",", perClass));
        }
        // Disjoint: no image appears in two shards (the synthetic images are all different).
        var keys = shards.SelectMany(s => Enumerable.Range(0, s.Count).Select(i => string.Join(',', s.Example(i).ToArray()))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }

    [Fact]
    public void A_fully_skewed_board_sees_only_its_home_classes_and_a_skewed_one_mostly()
    {
        var (train, _) = CommunityFixture.Data();
        var full = CommunityShards.Deal(train, 2, 200, ShardKind.Skewed, 1.0, seed: 1);
        Assert.All(full[0].Labels, l => Assert.Contains((int)l, new[] { 0, 2 }));
        Assert.All(full[1].Labels, l => Assert.Contains((int)l, new[] { 1, 3 }));
        var mostly = CommunityShards.Deal(train, 2, 200, ShardKind.Skewed, 0.9, seed: 1);
        Assert.Equal(180, mostly[0].Labels.Count(l => l is 0 or 2));
        Assert.Equal(20, mostly[0].Labels.Count(l => l is 1 or 3));
    }
}

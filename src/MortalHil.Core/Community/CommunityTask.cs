using MortalHil.Core.Data;

namespace MortalHil.Core.Community;

/// <summary>
/// The data of one community: each board's labelled shard, the unlabelled transfer set every board can read (its
/// labels are never read by the learners), and the test set every board is scored on.
/// </summary>
public sealed record CommunityTask(ShardKind Kind, IReadOnlyList<LabeledImageSet> Shards, LabeledImageSet Transfer, LabeledImageSet Test)
{
    public int Boards => Shards.Count;
    public int Classes => Test.Classes;

    /// <summary>Board k's home classes (all classes when shards are balanced).</summary>
    public IReadOnlyList<int> HomeClasses(int board) =>
        Kind == ShardKind.Balanced ? Enumerable.Range(0, Classes).ToArray() : CommunityShards.HomeClasses(board, Boards, Classes);

    /// <summary>
    /// Deals <paramref name="boards"/> shards of <paramref name="s"/>.ShardExamples from the front of
    /// <paramref name="train"/> and takes the transfer set from the examples after the shards' pool, so they never overlap.
    /// </summary>
    public static CommunityTask Build(LabeledImageSet train, LabeledImageSet test, int boards, ShardKind kind, CommunitySettings s)
    {
        // The pool is twice what the shards need so skewed shards find enough examples of their home classes.
        int pool = Math.Min(train.Count - s.TransferExamples, Math.Max(2 * boards * s.ShardExamples, s.ShardExamples * boards + 2000));
        if (pool < boards * s.ShardExamples)
            throw new ArgumentException($"{train.Count} training examples cannot give {boards} shards of {s.ShardExamples} and a transfer set of {s.TransferExamples}");
        var shards = CommunityShards.Deal(train.Take(pool), boards, s.ShardExamples, kind, s.Skew, s.Seed);
        return new CommunityTask(kind, shards, train.Slice(pool, s.TransferExamples), test);
    }
}

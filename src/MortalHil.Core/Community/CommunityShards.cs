using MortalHil.Core.Data;
using MortalHil.Core.Learning;

namespace MortalHil.Core.Community;

/// <summary>
/// Deals a labelled pool into K disjoint shards of equal size, balanced or class-skewed (the non-IID split of
/// McMahan et al., "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017, in a
/// softer form: a fraction <c>skew</c> of a board's examples come from its home classes, the rest from the others).
/// </summary>
public static class CommunityShards
{
    /// <summary>The home classes of board <paramref name="board"/> of <paramref name="boards"/>: classes c with c mod K = board.</summary>
    public static IReadOnlyList<int> HomeClasses(int board, int boards, int classes) =>
        Enumerable.Range(0, classes).Where(c => c % boards == board).ToArray();

    /// <summary>
    /// K shards of <paramref name="perBoard"/> examples each, drawn without replacement from <paramref name="pool"/>.
    /// Skewed: round(skew x perBoard) examples from the board's home classes, the rest spread over the other classes.
    /// </summary>
    public static IReadOnlyList<LabeledImageSet> Deal(LabeledImageSet pool, int boards, int perBoard, ShardKind kind, double skew, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(boards, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perBoard, 1);
        if (boards > pool.Classes && kind == ShardKind.Skewed)
            throw new ArgumentException($"{boards} boards cannot each have home classes among {pool.Classes} classes");
        if (skew is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(skew), "skew is a fraction in [0, 1]");
        var rng = SeededRandom.For(seed, "community-shards");
        var byClass = Enumerable.Range(0, pool.Classes).Select(_ => new Queue<int>()).ToArray();
        var order = Enumerable.Range(0, pool.Count).ToArray();
        rng.Shuffle(order);
        foreach (var i in order) byClass[pool.Labels[i]].Enqueue(i);

        var shards = new List<LabeledImageSet>(boards);
        for (int k = 0; k < boards; k++)
        {
            var quota = Quota(k, boards, pool.Classes, perBoard, kind, skew);
            var picked = new List<int>(perBoard);
            for (int c = 0; c < pool.Classes; c++)
            {
                if (byClass[c].Count < quota[c])
                    throw new ArgumentException($"the pool has too few examples of class {c} for {boards} shards of {perBoard}");
                for (int n = 0; n < quota[c]; n++) picked.Add(byClass[c].Dequeue());
            }
            var shuffled = picked.ToArray();
            rng.Shuffle(shuffled);
            shards.Add(Gather(pool, shuffled, $"{pool.Name}/shard{k}of{boards}-{kind.ToString().ToLowerInvariant()}"));
        }
        return shards;
    }

    /// <summary>Examples per class for board <paramref name="board"/> (largest-remainder rounding, so they sum to perBoard).</summary>
    public static int[] Quota(int board, int boards, int classes, int perBoard, ShardKind kind, double skew)
    {
        var weight = new double[classes];
        if (kind == ShardKind.Balanced)
            Array.Fill(weight, 1.0 / classes);
        else
        {
            var home = HomeClasses(board, boards, classes);
            int away = classes - home.Count;
            for (int c = 0; c < classes; c++)
                weight[c] = home.Contains(c) ? (away == 0 ? 1.0 : skew) / home.Count : (1 - skew) / away;
        }
        var quota = weight.Select(w => (int)Math.Floor(w * perBoard)).ToArray();
        int left = perBoard - quota.Sum();
        foreach (var c in Enumerable.Range(0, classes).OrderByDescending(c => weight[c] * perBoard - quota[c]).ThenBy(c => c).Take(left))
            quota[c]++;
        return quota;
    }

    /// <summary>The examples at <paramref name="indices"/> as a set of their own.</summary>
    public static LabeledImageSet Gather(LabeledImageSet pool, IReadOnlyList<int> indices, string name)
    {
        int f = pool.Features;
        var pixels = new float[indices.Count * f];
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            pool.Pixels.AsSpan(indices[i] * f, f).CopyTo(pixels.AsSpan(i * f));
            labels[i] = pool.Labels[indices[i]];
        }
        return new LabeledImageSet(name, pixels, labels, pool.Height, pool.Width, pool.Classes);
    }
}

using MortalHil.Core.Community;

namespace MortalHil.Core.Tests.Community;

public class BitsToAccuracyTests
{
    /// <summary>Two boards per round; the mean is what counts, the bits are those exchanged by that round.</summary>
    private static IEnumerable<CommunityPoint> Run(SharingMethod method, params (double Bits, float A, float B)[] rounds) =>
        rounds.SelectMany((r, round) => new[]
        {
            new CommunityPoint(method, ShardKind.Skewed, 2, 0, round, r.Bits, r.Bits, r.A, r.A, r.A, 0),
            new CommunityPoint(method, ShardKind.Skewed, 2, 1, round, r.Bits, r.Bits, r.B, r.B, r.B, 0),
        });

    [Fact]
    public void The_first_round_whose_mean_reaches_the_target_gives_the_bits_and_a_target_never_reached_says_so()
    {
        var points = Run(SharingMethod.MutualDistillation, (0, 0.62f, 0.8f), (100, 0.9f, 0.6f), (200, 0.95f, 0.85f), (300, 0.8f, 0.8f))
            .Concat(Run(SharingMethod.MortalAlone, (0, 0.7f, 0.7f), (0, 0.72f, 0.7f)))
            .ToList();

        var rows = BitsToAccuracy.Read(points, [0.9, 0.7]);

        Assert.Equal(4, rows.Count);
        var distil = rows.Where(r => r.Method == SharingMethod.MutualDistillation).ToList();
        Assert.Equal([0.7, 0.9], distil.Select(r => r.Target)); // targets ascending
        // 70 %: round 0's mean is 0.71 (board 0 alone is below it: the mean decides).
        Assert.Equal((0, 0.0), (distil[0].Round!.Value, distil[0].BitsSent!.Value));
        // 90 %: round 1's mean is 0.75 although one board is at 0.9; round 2's 0.9 reaches it, after 200 bits; a later drop does not undo it.
        Assert.Equal((2, 200.0), (distil[1].Round!.Value, distil[1].BitsSent!.Value));
        Assert.Equal(0.9, distil[1].BestMean, 5);

        var alone = rows.Where(r => r.Method == SharingMethod.MortalAlone).ToList();
        Assert.Equal(0, alone[0].BitsSent);
        Assert.Null(alone[1].Round);
        Assert.Null(alone[1].BitsSent);
        Assert.Equal(0.71, alone[1].BestMean, 5);
    }

    [Fact]
    public void A_target_outside_zero_to_one_is_refused()
    {
        var points = Run(SharingMethod.MutualDistillation, (0, 0.5f, 0.5f)).ToList();
        Assert.Throws<ArgumentOutOfRangeException>(() => BitsToAccuracy.Read(points, [90]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitsToAccuracy.Read(points, [0]));
    }
}

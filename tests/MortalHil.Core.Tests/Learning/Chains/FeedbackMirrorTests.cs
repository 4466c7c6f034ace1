using MortalHil.Core.Learning.Chains;

namespace MortalHil.Core.Tests.Learning.Chains;

/// <summary>The mirror learns a linear map from perturbation pairs alone, including columns a model would get wrong.</summary>
public class FeedbackMirrorTests
{
    private const int Hidden = 32, Outputs = 5, Rows = 64;

    private static float[] TrueMap(Random rng)
    {
        var m = new float[Outputs * Hidden];
        for (int i = 0; i < m.Length; i++) m[i] = (float)(rng.NextDouble() * 2 - 1);
        // Two "crossed lines": columns 3 and 4 swapped, column 7 broken (reaches nothing).
        for (int c = 0; c < Outputs; c++)
        {
            (m[c * Hidden + 3], m[c * Hidden + 4]) = (m[c * Hidden + 4], m[c * Hidden + 3]);
            m[c * Hidden + 7] = 0;
        }
        return m;
    }

    private static void Pairs(Random rng, float[] map, float noise, float[] dh, float[] dy)
    {
        for (int r = 0; r < Rows; r++)
        {
            for (int j = 0; j < Hidden; j++)
            {
                // ±σ times a per-neuron slope, some neurons dead (slope 0), as perturbed chain reads give.
                float slope = j % 9 == 0 ? 0f : 0.5f + (j % 5) * 0.2f;
                dh[r * Hidden + j] = (rng.Next(2) * 2 - 1) * 0.2f * slope;
            }
            for (int c = 0; c < Outputs; c++)
            {
                float y = 0;
                for (int j = 0; j < Hidden; j++) y += map[c * Hidden + j] * dh[r * Hidden + j];
                dy[r * Outputs + c] = y + noise * (float)(rng.NextDouble() * 2 - 1);
            }
        }
    }

    [Fact]
    public void A_mirror_fitted_from_noisy_perturbation_pairs_sends_errors_back_as_the_true_map_would()
    {
        var rng = new Random(3);
        var map = TrueMap(rng);
        var mirror = new FeedbackMirror(Outputs, Hidden, rate: 0.3f);
        var dh = new float[Rows * Hidden];
        var dy = new float[Rows * Outputs];
        for (int step = 0; step < 200; step++)
        {
            Pairs(rng, map, noise: 0.01f, dh, dy);
            mirror.Update(dh, dy, Rows, floor: Rows * 0.01f * 0.04f);
        }
        var g = new float[] { 0.3f, -0.7f, 0.1f, 0.5f, -0.2f };
        var mine = new float[Hidden];
        mirror.AddBackward(g, mine);
        double dot = 0, nm = 0, nt = 0;
        for (int j = 0; j < Hidden; j++)
        {
            if (j % 9 == 0) continue; // dead neurons never move: nothing to learn about them, and their error is multiplied by a zero slope
            float truth = 0;
            for (int c = 0; c < Outputs; c++) truth += map[c * Hidden + j] * g[c];
            dot += truth * mine[j]; nm += mine[j] * mine[j]; nt += truth * truth;
            Assert.True(MathF.Abs(truth - mine[j]) < 0.05f, $"column {j}: mirror {mine[j]:F3}, true {truth:F3}");
        }
        Assert.True(dot / Math.Sqrt(nm * nt) > 0.999, $"cosine {dot / Math.Sqrt(nm * nt):F4}");
        Assert.Equal(0f, mine[0]); // a dead neuron's column stays at its start
    }

    [Fact]
    public void A_mirror_refuses_a_rate_outside_zero_to_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeedbackMirror(Outputs, Hidden, rate: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FeedbackMirror(Outputs, Hidden, rate: 1.5f));
    }
}

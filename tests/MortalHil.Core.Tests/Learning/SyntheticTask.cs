namespace MortalHil.Core.Tests.Learning;

/// <summary>
/// A small seeded classification task: each class is a mixture of two prototypes in [0,1]^d (so a hidden
/// layer helps), inputs are prototypes plus noise, clipped to [0, 1].
/// </summary>
internal sealed class SyntheticTask
{
    public SyntheticTask(int features, int classes, int count, int seed, float noise = 0.12f)
    {
        Features = features;
        Classes = classes;
        var rng = new Random(seed);
        var prototypes = new float[classes * 2, features];
        for (int p = 0; p < classes * 2; p++)
        for (int f = 0; f < features; f++)
            prototypes[p, f] = rng.NextDouble() < 0.35 ? 1f : 0f;
        Inputs = new float[count * features];
        Labels = new byte[count];
        for (int n = 0; n < count; n++)
        {
            int label = n % classes, proto = label * 2 + rng.Next(2);
            Labels[n] = (byte)label;
            for (int f = 0; f < features; f++)
                Inputs[n * features + f] = Math.Clamp(prototypes[proto, f] + noise * (float)Gauss(rng), 0f, 1f);
        }
    }

    public int Features { get; }
    public int Classes { get; }
    public float[] Inputs { get; }
    public byte[] Labels { get; }
    public int Count => Labels.Length;

    /// <summary>Examples [start, start+count) as a task of their own (same prototypes).</summary>
    public SyntheticTask Slice(int start, int count) => new(this, start, count);

    private SyntheticTask(SyntheticTask all, int start, int count)
    {
        Features = all.Features;
        Classes = all.Classes;
        Inputs = all.Inputs.AsSpan(start * Features, count * Features).ToArray();
        Labels = all.Labels.AsSpan(start, count).ToArray();
    }

    /// <summary>A seeded task split into training and held-out examples.</summary>
    public static (SyntheticTask Train, SyntheticTask Test) Split(int features, int classes, int train, int test, int seed)
    {
        var all = new SyntheticTask(features, classes, train + test, seed);
        return (all.Slice(0, train), all.Slice(train, test));
    }

    private static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}

using MortalHil.Core.Mortality.Ports;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Tasks;

/// <summary>
/// A small classification task for fleets: each class is a Gaussian cluster around a random corner-like
/// centre (every coordinate +-0.5) with per-feature spread <see cref="SyntheticTaskSpec.ClusterSpread"/>,
/// clipped to [-1, 1]. Small and quick, so a fleet of hundreds of boards can learn it many times; the
/// clusters overlap enough that accuracy falls visibly as a board's cells stick.
/// All sets are fixed by the seed.
/// </summary>
public sealed class SyntheticTask
{
    private readonly float[] _centres;

    public SyntheticTask(SyntheticTaskSpec spec, ulong seed)
    {
        Spec = spec;
        Seed = seed;
        var rng = new SplitMixRandom(SeedTree.Derive(seed, "task/centres"));
        _centres = new float[spec.Classes * spec.Features];
        for (int i = 0; i < _centres.Length; i++) _centres[i] = rng.NextDouble() < 0.5 ? -0.5f : 0.5f;
        Train = Draw(spec.Train, SeedTree.Derive(seed, "task/train"));
        Canary = Draw(spec.Canary, SeedTree.Derive(seed, "task/canary"));
        Eval = Draw(spec.Eval, SeedTree.Derive(seed, "task/eval"));
    }

    public SyntheticTaskSpec Spec { get; }
    public ulong Seed { get; }
    public int Features => Spec.Features;
    public int Classes => Spec.Classes;

    /// <summary>Labelled training set (generation 0 and cold starts).</summary>
    public LabelledSet Train { get; }
    /// <summary>Small labelled set the health monitor measures.</summary>
    public LabelledSet Canary { get; }
    /// <summary>Held-out labelled set the stress metrics measure (never used for training or decisions).</summary>
    public LabelledSet Eval { get; }

    /// <summary>The unlabelled pool handovers draw transfer inputs from: the training inputs without their labels.</summary>
    public float[] UnlabelledPool => Train.Inputs;

    private LabelledSet Draw(int count, ulong seed)
    {
        var rng = new SplitMixRandom(seed);
        int d = Spec.Features;
        var x = new float[count * d];
        var y = new int[count];
        for (int n = 0; n < count; n++)
        {
            int c = rng.NextInt(Spec.Classes);
            y[n] = c;
            for (int i = 0; i < d; i++)
                x[n * d + i] = (float)Math.Clamp(_centres[c * d + i] + Spec.ClusterSpread * rng.NextGaussian(), -1.0, 1.0);
        }
        return new LabelledSet(x, y, d);
    }
}

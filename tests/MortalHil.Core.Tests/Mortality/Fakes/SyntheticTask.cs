using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Tests.Mortality.Fakes;

/// <summary>A small classification task: Gaussian blobs around seeded class centres.</summary>
internal sealed class SyntheticTask
{
    public const int Inputs = 8, Classes = 4;
    public readonly float[][] Centres;

    public SyntheticTask(int seed = 5)
    {
        var rng = new Random(seed);
        Centres = Enumerable.Range(0, Classes).Select(_ => Enumerable.Range(0, Inputs).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray()).ToArray();
    }

    public LabelledSet Sample(int count, int seed, float spread = 0.35f)
    {
        var rng = new Random(seed);
        var x = new float[count * Inputs];
        var y = new int[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = rng.Next(Classes);
            for (int j = 0; j < Inputs; j++)
                x[i * Inputs + j] = Centres[y[i]][j] + spread * (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        }
        return new LabelledSet(x, y, Inputs);
    }
}

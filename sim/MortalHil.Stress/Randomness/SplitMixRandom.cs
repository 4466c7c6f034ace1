namespace MortalHil.Stress.Randomness;

/// <summary>The runner's own choices drawn from <see cref="Core.Randomness.SplitMix64"/>'s sequential generator; deterministic from its seed.</summary>
public struct SplitMixRandom(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64() => Core.Randomness.SplitMix64.Next(ref _state);

    /// <summary>Uniform in (0, 1).</summary>
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => n <= 1 ? 0 : (int)(NextDouble() * n) % n;

    /// <summary>Standard normal (Box-Muller).</summary>
    public double NextGaussian()
    {
        double u1 = NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Exponential with the given rate (+inf for rate 0).</summary>
    public double NextExponential(double rate) => rate > 0 ? -Math.Log(NextDouble()) / rate : double.PositiveInfinity;

    /// <summary>Poisson-distributed count (Knuth's method; fine for the small means used here).</summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0) return 0;
        double limit = Math.Exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= NextDouble(); } while (p > limit && k < 10_000);
        return k - 1;
    }
}

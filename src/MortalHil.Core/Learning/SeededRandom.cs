using System.Runtime.CompilerServices;
using MortalHil.Core.Randomness;

namespace MortalHil.Core.Learning;

/// <summary>
/// The seeded generator of the trainers' hot loops (stochastic rounding, pulse trains, perturbations): the project's
/// one <see cref="Xoshiro256StarStar"/> plus the spare of the polar Gaussian method. Same seed, same sequence, on every machine.
/// </summary>
public sealed class SeededRandom
{
    private Xoshiro256StarStar _bits;
    private float _spareGaussian;
    private bool _hasSpare;

    public SeededRandom(ulong seed) => _bits = new Xoshiro256StarStar(seed);

    /// <summary>A generator for a named purpose derived from a run seed, so streams do not overlap.</summary>
    public static SeededRandom For(int seed, string purpose)
    {
        ulong h = 1469598103934665603UL;
        foreach (var ch in purpose) h = (h ^ ch) * 1099511628211UL;
        return new SeededRandom((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => _bits.NextUInt64();

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => _bits.NextFloat();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => _bits.NextInt(n);

    /// <summary>+1 or −1 with equal probability.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextSign() => (NextUInt64() >> 63) == 0 ? 1f : -1f;

    /// <summary>Standard normal (Marsaglia polar method).</summary>
    public float NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spareGaussian; }
        float u, v, s;
        do
        {
            u = 2f * NextFloat() - 1f;
            v = 2f * NextFloat() - 1f;
            s = u * u + v * v;
        } while (s >= 1f || s == 0f);
        float m = MathF.Sqrt(-2f * MathF.Log(s) / s);
        _spareGaussian = v * m;
        _hasSpare = true;
        return u * m;
    }

    /// <summary>Rounds <paramref name="x"/> up or down with probabilities that make the result unbiased.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int StochasticRound(float x)
    {
        float f = MathF.Floor(x);
        return (int)f + (NextFloat() < x - f ? 1 : 0);
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}

using System.Runtime.CompilerServices;

namespace MortalHil.Core.Learning;

/// <summary>
/// A small, fast, seeded generator (xoshiro256**, Blackman &amp; Vigna 2018) for the hot loops of trainers:
/// stochastic rounding, pulse trains and perturbations. Same seed, same sequence, on every machine.
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private float _spareGaussian;
    private bool _hasSpare;

    public SeededRandom(ulong seed)
    {
        // SplitMix64 expands the seed into the four state words (the generator's authors' recommendation).
        _s0 = SplitMix(ref seed); _s1 = SplitMix(ref seed); _s2 = SplitMix(ref seed); _s3 = SplitMix(ref seed);
    }

    /// <summary>A generator for a named purpose derived from a run seed, so streams do not overlap.</summary>
    public static SeededRandom For(int seed, string purpose)
    {
        ulong h = 1469598103934665603UL;
        foreach (var ch in purpose) h = (h ^ ch) * 1099511628211UL;
        return new SeededRandom((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ h);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t; _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);

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

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

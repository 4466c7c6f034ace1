using System.Numerics;
using System.Runtime.CompilerServices;

namespace MortalHil.Core.Randomness;

/// <summary>
/// xoshiro256** 1.0 (Blackman &amp; Vigna, "Scrambled linear pseudorandom number generators", ACM TOMS 2021): the one
/// seeded generator of the project. Its whole state is four words, so a simulated board saves it and resumes the
/// identical sequence; seeded through <see cref="SplitMix64"/> as its authors recommend, so nearby seeds give unrelated
/// streams. A struct: callers keep it in a field or pass it by <c>ref</c>.
/// </summary>
public struct Xoshiro256StarStar
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>The state of four SplitMix64 steps from <paramref name="seed"/>.</summary>
    public Xoshiro256StarStar(ulong seed)
    {
        _s0 = SplitMix64.Next(ref seed);
        _s1 = SplitMix64.Next(ref seed);
        _s2 = SplitMix64.Next(ref seed);
        _s3 = SplitMix64.Next(ref seed);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1; // the all-zero state is the one the generator never leaves
    }

    /// <summary>A generator resumed from a saved <see cref="State"/>.</summary>
    public Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3) { _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3; }

    /// <summary>The four state words, to save and resume.</summary>
    public readonly (ulong, ulong, ulong, ulong) State => (_s0, _s1, _s2, _s3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in the open interval (0, 1), 53 bits (safe to take the logarithm of).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, 1), 24 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, n) for n &gt; 0 (multiply-shift on the top 31 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);

    /// <summary>Standard normal by Box-Muller (one of the pair; simple and exact in distribution).</summary>
    public double NextGaussian()
    {
        double u1 = NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// Approximately standard normal, cheap: the sum of four uniforms from one 64-bit draw (16 bits each), centred and
    /// scaled to unit variance (Irwin-Hall, n = 4; tails end at ±3.46). For per-read noise, where the exact tail shape
    /// does not matter and millions are drawn per read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextGaussianFast()
    {
        ulong r = NextUInt64();
        uint sum = (uint)(r & 0xFFFF) + (uint)((r >> 16) & 0xFFFF) + (uint)((r >> 32) & 0xFFFF) + (uint)(r >> 48);
        const float Mean = 4 * 32767.5f;           // 4 x the mean of a 16-bit uniform
        const float InvStd = 1.7320508f / 65536f;  // 1 / sqrt(4 * 65536^2 / 12)
        return (sum - Mean) * InvStd;
    }
}

using System.Numerics;
using System.Runtime.CompilerServices;

namespace MortalHil.Sim.Randomness;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna 2018): a small, fast, seedable generator whose whole state
/// is four words, so a board can save it and resume the identical sequence.
/// </summary>
internal struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256(ulong seed)
    {
        // Seed through SplitMix64 as the authors recommend, so nearby seeds give unrelated streams.
        const ulong Golden = 0x9E3779B97F4A7C15UL;
        _s0 = StableHash.Mix(unchecked(seed + Golden));
        _s1 = StableHash.Mix(unchecked(seed + Golden * 2));
        _s2 = StableHash.Mix(unchecked(seed + Golden * 3));
        _s3 = StableHash.Mix(unchecked(seed + Golden * 4));
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    public Xoshiro256(ulong s0, ulong s1, ulong s2, ulong s3) { _s0 = s0; _s1 = s1; _s2 = s2; _s3 = s3; }

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

    /// <summary>Uniform in (0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box-Muller (one of the pair; simple and exact in distribution).</summary>
    public double NextGaussian()
    {
        double u1 = NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>
    /// Approximately standard normal, cheap: the sum of four uniforms from one 64-bit draw (16 bits each),
    /// centred and scaled to unit variance (Irwin-Hall, n = 4; tails end at ±3.46). Used for per-read noise,
    /// where the exact tail shape does not matter and millions are drawn per read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextGaussianFast()
    {
        ulong r = NextUInt64();
        uint sum = (uint)(r & 0xFFFF) + (uint)((r >> 16) & 0xFFFF) + (uint)((r >> 32) & 0xFFFF) + (uint)(r >> 48);
        // mean 4 * 32767.5, variance 4 * (65536^2 - 1) / 12
        const float Mean = 4 * 32767.5f;
        const float InvStd = 1.7320508f / 65536f; // 1 / sqrt(4 * 65536^2 / 12)
        return (sum - Mean) * InvStd;
    }
}

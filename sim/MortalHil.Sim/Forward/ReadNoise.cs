using MortalHil.Core.Randomness;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Counter-based standard-normal draws for read noise: the draw for output i of a read is a pure function of
/// (read key, i), so any worker can produce any output's noise and results do not depend on threading.
/// </summary>
/// <remarks>
/// Bits: two rounds of Wellons' "lowbias32" integer hash (hash-prospector, 2018; bias about 0.17), keyed between
/// rounds, give a 32-bit value h1 that is a bijection of the counter for each read; one more keyed round gives h2.
/// Shape: as <see cref="Xoshiro256StarStar.NextGaussianFast"/>, the Irwin-Hall sum of the four 16-bit halves of h1 and h2,
/// centred and scaled to unit variance (excess kurtosis -0.3, tails end at ±3.46): adequate for thermal and
/// converter noise, where millions of draws are made per read and the far tails do not matter.
/// All integer arithmetic, so the 8-wide and scalar forms agree bit for bit.
/// </remarks>
internal readonly struct ReadNoise
{
    private const uint M1 = 0x7feb352d, M2 = 0x846ca68b;
    private const float Mean = 4 * 32767.5f;
    private const float InvStd = 1.7320508f / 65536f; // 1 / sqrt(4 * 65536^2 / 12)

    private readonly uint _k0, _k1, _k2;

    public ReadNoise(ulong key)
    {
        ulong a = StableHash.Mix(key), b = StableHash.Mix(a ^ 0xD1B54A32D192ED03UL);
        _k0 = (uint)a; _k1 = (uint)(a >> 32); _k2 = (uint)b;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint LowBias32(uint x)
    {
        x ^= x >> 16; x *= M1;
        x ^= x >> 15; x *= M2;
        return x ^ (x >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> LowBias32(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16); x *= M1;
        x ^= Vector256.ShiftRightLogical(x, 15); x *= M2;
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    /// <summary>The draw for output <paramref name="counter"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Gaussian(uint counter)
    {
        uint h1 = LowBias32(LowBias32(counter ^ _k0) + _k1);
        uint h2 = LowBias32(h1 ^ _k2);
        uint sum = (h1 & 0xFFFF) + (h1 >> 16) + (h2 & 0xFFFF) + (h2 >> 16);
        return ((float)(int)sum - Mean) * InvStd;
    }

    /// <summary>The draws for outputs <paramref name="counter"/> .. <paramref name="counter"/> + 7.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> Gaussian8(uint counter)
    {
        var c = Vector256.Create(counter) + Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
        var h1 = LowBias32(LowBias32(c ^ Vector256.Create(_k0)) + Vector256.Create(_k1));
        var h2 = LowBias32(h1 ^ Vector256.Create(_k2));
        var low = Vector256.Create(0xFFFFu);
        var sum = (h1 & low) + Vector256.ShiftRightLogical(h1, 16) + (h2 & low) + Vector256.ShiftRightLogical(h2, 16);
        return (Vector256.ConvertToSingle(sum.AsInt32()) - Vector256.Create(Mean)) * Vector256.Create(InvStd);
    }
}

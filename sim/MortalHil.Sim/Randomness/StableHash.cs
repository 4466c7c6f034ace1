using System.Runtime.CompilerServices;

namespace MortalHil.Sim.Randomness;

/// <summary>
/// Counter-based random numbers: a value is a pure function of (key, stream, index), so a board's
/// hidden physics do not depend on the order cells are visited and parallel loops stay deterministic.
/// Mixing is SplitMix64's finaliser (<see cref="Core.Randomness.SplitMix64"/>).
/// </summary>
internal static class StableHash
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z) => Core.Randomness.SplitMix64.Mix(z);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Hash(ulong key, ulong stream, ulong index)
        => Mix(key ^ Mix(stream * 0x9E3779B97F4A7C15UL + Mix(index + 0x632BE59BD9B4E019UL)));

    /// <summary>FNV-1a over UTF-16 code units, then mixed: stable across runs and platforms (unlike string.GetHashCode).</summary>
    public static ulong OfString(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in s) { h ^= c; h *= 0x100000001B3UL; }
        return Mix(h);
    }

    /// <summary>Uniform in (0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Uniform(ulong key, ulong stream, ulong index)
        => ((Hash(key, stream, index) >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box-Muller on two independent hashes).</summary>
    public static double Gaussian(ulong key, ulong stream, ulong index)
    {
        double u1 = Uniform(key, stream, 2 * index);
        double u2 = Uniform(key, stream, 2 * index + 1);
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Standard normal clipped to ±3: for device-to-device spreads, so no cell gets an absurd parameter.</summary>
    public static double TruncatedGaussian(ulong key, ulong stream, ulong index)
        => Math.Clamp(Gaussian(key, stream, index), -3.0, 3.0);
}

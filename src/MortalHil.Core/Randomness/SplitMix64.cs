using System.Runtime.CompilerServices;

namespace MortalHil.Core.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): the one
/// implementation of its finaliser and of its sequential step, used to seed <see cref="Xoshiro256StarStar"/>, to derive
/// independent seeds (stress seed trees, distillation minibatches) and by counter-based hashing in the simulator.
/// </summary>
public static class SplitMix64
{
    /// <summary>The increment of the sequential generator: 2^64 / golden ratio, odd.</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>The finaliser: a bijection of 64-bit words whose every output bit depends on every input bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>One step of the sequential generator: advances <paramref name="state"/> by <see cref="Golden"/> and returns its mix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong state)
    {
        state = unchecked(state + Golden);
        return Mix(state);
    }
}

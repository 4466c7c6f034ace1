namespace MortalHil.Stress.Randomness;

/// <summary>
/// Derives independent seeds from a parent seed and a path of labels and indices, so every random choice
/// in a run (which preset a board gets, when a host crashes, which minibatch a step takes) is a pure
/// function of the scenario seed and where it is made, never of thread timing.
/// Mixing is SplitMix64's finaliser (<see cref="Core.Randomness.SplitMix64"/>).
/// </summary>
public static class SeedTree
{
    /// <summary>SplitMix64 finaliser.</summary>
    public static ulong Mix(ulong z) => Core.Randomness.SplitMix64.Mix(z);

    /// <summary>Stable hash of a label (FNV-1a over UTF-16 code units, then mixed).</summary>
    public static ulong Of(string label)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in label) { h ^= c; h *= 0x100000001B3UL; }
        return Mix(h);
    }

    /// <summary>The child seed of <paramref name="parent"/> for <paramref name="label"/> and <paramref name="index"/>.</summary>
    public static ulong Derive(ulong parent, string label, ulong index = 0)
        => Mix(parent ^ Mix(Of(label) + 0x9E3779B97F4A7C15UL * (index + 1)));

    /// <summary>The child seed for two indices.</summary>
    public static ulong Derive(ulong parent, string label, ulong index, ulong index2)
        => Derive(Derive(parent, label, index), "#", index2);
}

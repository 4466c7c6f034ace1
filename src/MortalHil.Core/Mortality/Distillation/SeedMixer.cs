namespace MortalHil.Core.Mortality.Distillation;

/// <summary>
/// Derives reproducible seeds from several numbers (SplitMix64 finaliser, Steele, Lea, Flood 2014).
/// <see cref="HashCode.Combine{T1,T2}"/> is randomised per process, so it cannot make a resumed run
/// draw what the killed one drew.
/// </summary>
public static class SeedMixer
{
    public static int Mix(long a, long b, long c = 0)
    {
        ulong z = (ulong)a * 0x9E3779B97F4A7C15UL;
        z = Finalise(z ^ (ulong)b);
        z = Finalise(z ^ (ulong)c * 0xBF58476D1CE4E5B9UL);
        return (int)(z ^ (z >> 32));
    }

    private static ulong Finalise(ulong z) => Randomness.SplitMix64.Next(ref z);
}

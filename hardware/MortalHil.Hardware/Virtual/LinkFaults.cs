namespace MortalHil.Hardware.Virtual;

/// <summary>
/// Faults a virtual board injects into its link, in both directions, frame by frame, from a seeded
/// generator so every run can be replayed. Rates are probabilities per frame in [0, 1].
/// </summary>
public sealed record LinkFaults
{
    /// <summary>A frame is lost (a request never arrives, or a reply never leaves).</summary>
    public double DropRate { get; init; }
    /// <summary>One byte of the frame is replaced by a random value (the CRC or COBS check then fails).</summary>
    public double CorruptRate { get; init; }
    /// <summary>A frame is delivered twice.</summary>
    public double DuplicateRate { get; init; }
    /// <summary>Every reply waits this long before it leaves (a slow board or a slow line).</summary>
    public TimeSpan Delay { get; init; }
    /// <summary>Seed of the fault generator.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>No faults at all.</summary>
    public static LinkFaults None { get; } = new();

    /// <summary>True when any fault is enabled.</summary>
    public bool Any => DropRate > 0 || CorruptRate > 0 || DuplicateRate > 0 || Delay > TimeSpan.Zero;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first rate outside [0, 1] or a negative delay.</summary>
    public void Validate()
    {
        Check(DropRate, "drop");
        Check(CorruptRate, "corrupt");
        Check(DuplicateRate, "duplicate");
        if (Delay < TimeSpan.Zero || Delay > TimeSpan.FromSeconds(60)) throw new ArgumentException($"delay {Delay.TotalMilliseconds} ms outside 0..60000 ms");
    }

    private static void Check(double rate, string name)
    {
        if (!(rate >= 0 && rate <= 1)) throw new ArgumentException($"{name} rate {rate} outside [0, 1]");
    }
}

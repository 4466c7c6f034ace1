using MortalHil.Core.Devices;

namespace MortalHil.Testing;

/// <summary>
/// The exactly-once rule of <see cref="IDevice"/> for test boards, in one place: a request id is
/// applied at most once and a repeat gets the first receipt with <see cref="PulseReceipt.Duplicate"/>
/// set. Checks come first (a refused request does not burn its id), then <see cref="Apply"/>.
/// </summary>
internal sealed class PulseLedger
{
    private readonly Dictionary<ulong, PulseReceipt> _applied = new();

    /// <summary>Requests actually applied (repeats not counted).</summary>
    public int Applications { get; private set; }

    /// <summary>Pulses actually delivered (repeats not counted).</summary>
    public long TotalPulses { get; private set; }

    /// <summary>
    /// Returns the first receipt of <paramref name="id"/> marked duplicate, or runs
    /// <paramref name="apply"/> (which delivers the pulses and returns how many) and records it.
    /// </summary>
    public PulseReceipt Apply(ulong id, Func<long> apply)
    {
        if (_applied.TryGetValue(id, out var first)) return first with { Duplicate = true };
        long total = apply();
        var receipt = new PulseReceipt(id, total, false);
        _applied[id] = receipt;
        Applications++;
        TotalPulses += total;
        return receipt;
    }
}

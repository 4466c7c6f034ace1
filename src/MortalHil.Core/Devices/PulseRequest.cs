namespace MortalHil.Core.Devices;

/// <summary>
/// One programming request. <see cref="Id"/> makes it idempotent: a board applies each id at most
/// once and answers a repeated id with the first receipt. Callers take ids from a
/// <see cref="PulseIdSource"/> so they never repeat by accident.
/// </summary>
/// <param name="Id">Unique, non-zero request id.</param>
/// <param name="AmplitudeVolts">Pulse amplitude in volts (magnitude; the sign comes from the counts or polarities).</param>
/// <param name="WidthSeconds">Pulse width in seconds.</param>
public readonly record struct PulseRequest(ulong Id, float AmplitudeVolts, float WidthSeconds)
{
    /// <summary>Throws <see cref="DeviceLimitException"/> unless the pulse is within the board's safe limits.</summary>
    public void Validate(DeviceDescription description)
    {
        if (Id == 0) throw new DeviceLimitException("pulse request id must be non-zero");
        var l = description.Limits;
        if (!float.IsFinite(AmplitudeVolts) || AmplitudeVolts <= 0 || AmplitudeVolts > l.MaxPulseVolts)
            throw new DeviceLimitException($"pulse amplitude {AmplitudeVolts} V outside the safe range (0, {l.MaxPulseVolts}] V");
        if (!float.IsFinite(WidthSeconds) || WidthSeconds < l.MinPulseWidthSeconds || WidthSeconds > l.MaxPulseWidthSeconds)
            throw new DeviceLimitException($"pulse width {WidthSeconds} s outside [{l.MinPulseWidthSeconds}, {l.MaxPulseWidthSeconds}] s");
    }
}

/// <summary>What a board reports after applying (or recognising a repeat of) a pulse request.</summary>
/// <param name="Id">The request id.</param>
/// <param name="PulsesApplied">Total pulses delivered to cells (sum of magnitudes).</param>
/// <param name="Duplicate">True when the id had been applied before and nothing was applied now.</param>
public readonly record struct PulseReceipt(ulong Id, long PulsesApplied, bool Duplicate);

/// <summary>Hands out unique, non-zero pulse request ids (seeded by time so restarts do not reuse them).</summary>
public sealed class PulseIdSource
{
    private long _next;
    public PulseIdSource(ulong start) => _next = (long)(start == 0 ? 1 : start);
    public PulseIdSource() : this((ulong)DateTime.UtcNow.Ticks) { }
    public ulong Next()
    {
        ulong id;
        do id = (ulong)Interlocked.Increment(ref _next); while (id == 0); // zero means "no id" on the wire
        return id;
    }
}

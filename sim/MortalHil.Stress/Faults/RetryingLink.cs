using MortalHil.Core.Devices;

namespace MortalHil.Stress.Faults;

/// <summary>
/// What a host's link driver does about transient errors: repeats the same call (a pulse request with
/// the same id, so the board applies it at most once) up to a limit, then declares the link lost with an
/// <see cref="IOException"/>. This is the <see cref="IDevice"/> learners and handovers are given.
/// </summary>
public sealed class RetryingLink(FaultyLink link, int maxRetries) : IDevice
{
    /// <summary>The faulty wire underneath.</summary>
    public FaultyLink Link => link;

    public long Retries { get; private set; }
    public long LinksLost { get; private set; }

    /// <inheritdoc/>
    public DeviceDescription Description => link.Description;

    /// <inheritdoc/>
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        for (int attempt = 0; ; attempt++)
        {
            try { link.Read(window, inputVolts, outputAmps, activation); return; }
            catch (TimeoutException e) { Retry(attempt, e); }
        }
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        for (int attempt = 0; ; attempt++)
        {
            try { return link.ApplyCellPulses(request, window, counts); }
            catch (TimeoutException e) { Retry(attempt, e); }
        }
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        for (int attempt = 0; ; attempt++)
        {
            try { return link.ApplyOuterProductPulses(request, window, trains); }
            catch (TimeoutException e) { Retry(attempt, e); }
        }
    }

    /// <inheritdoc/>
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        for (int attempt = 0; ; attempt++)
        {
            try { link.MeasureConductances(window, siemens); return; }
            catch (TimeoutException e) { Retry(attempt, e); }
        }
    }

    /// <inheritdoc/>
    public DeviceHealth ReadHealth()
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var h = link.ReadHealth();
                return h with { Link = new LinkStatistics(link.Calls, link.Calls - link.LinkErrors, 0, Retries, link.LinkErrors, 0) };
            }
            catch (TimeoutException e) { Retry(attempt, e); }
        }
    }

    /// <summary>Does nothing: the fleet (the physical world) owns its boards, not whoever holds a driver to one.</summary>
    public void Dispose() { }

    private void Retry(int attempt, TimeoutException e)
    {
        if (attempt >= maxRetries)
        {
            LinksLost++;
            throw new IOException($"link to board {link.Description.SerialNumber} lost after {maxRetries} retries", e);
        }
        Retries++;
    }
}

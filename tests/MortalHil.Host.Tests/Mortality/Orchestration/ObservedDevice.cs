using MortalHil.Core.Devices;

namespace MortalHil.Host.Tests.Mortality.Orchestration;

/// <summary>
/// What a board is about to be asked, one call at a time (the index counts calls of that name from 1).
/// Tests mock it with Moq to make a board fail at a chosen call and to verify what the orchestration asked of it.
/// </summary>
public interface IBoardCalls
{
    void Before(string call, long index);
}

/// <summary>
/// A real board seen through <see cref="IBoardCalls"/>: every device call is announced first, then forwarded. A call the
/// mock answers with <see cref="DeviceFailedException"/> kills the board: later calls are still announced (so a test can
/// verify none should have been made) and fail as a dead board's do. Moq cannot stand in for <see cref="IDevice"/> itself:
/// its methods take spans, which expression trees cannot hold.
/// </summary>
internal sealed class ObservedDevice(IDevice inner, IBoardCalls calls) : IDevice
{
    private readonly Dictionary<string, long> _counts = [];
    private string? _death;

    public IDevice Inner => inner;

    /// <summary>Pulses are acknowledged but never reach the cells (a board whose writes stopped working).</summary>
    public bool PulsesLost { get; init; }

    /// <summary>Relative read noise per year of board age (0: none): outputs are multiplied by 1 + rate x years x N(0, 1), a board
    /// that reads less faithfully the older it gets; a steeper rate is a steeper decline. Seeded, so a run repeats exactly.</summary>
    public double ReadNoisePerYear { get; init; }

    private readonly Random _noise = new(17);

    public DeviceDescription Description => inner.Description;

    private void Before(string call)
    {
        long index = _counts[call] = _counts.GetValueOrDefault(call) + 1;
        try { calls.Before(call, index); }
        catch (DeviceFailedException e) { _death ??= e.Message; }
        if (_death is not null) throw new DeviceFailedException(_death);
    }

    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        Before(nameof(Read));
        inner.Read(window, inputVolts, outputAmps, activation);
        if (ReadNoisePerYear <= 0) return;
        double sd = ReadNoisePerYear * inner.ReadHealth().Uptime.TotalDays / 365.25;
        for (int i = 0; i < outputAmps.Length; i++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - _noise.NextDouble())) * Math.Cos(2 * Math.PI * _noise.NextDouble());
            outputAmps[i] *= (float)(1 + sd * z);
        }
    }

    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        Before(nameof(ApplyCellPulses));
        if (PulsesLost) return new PulseReceipt(request.Id, 0, false);
        return inner.ApplyCellPulses(request, window, counts);
    }

    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        Before(nameof(ApplyOuterProductPulses));
        if (PulsesLost) return new PulseReceipt(request.Id, 0, false);
        return inner.ApplyOuterProductPulses(request, window, trains);
    }

    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        Before(nameof(MeasureConductances));
        inner.MeasureConductances(window, siemens);
    }

    public DeviceHealth ReadHealth()
    {
        Before(nameof(ReadHealth));
        return inner.ReadHealth();
    }

    public void Dispose() => inner.Dispose();
}

using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Tests.Conformance;

/// <summary>A board plus what it runs on (a served fake, a firmware process, an emulator), disposed together.</summary>
internal sealed class OwnedDevice(IDevice inner, params IDisposable[] owned) : IDevice
{
    /// <summary>The device behind the link, when the test has one (to kill it).</summary>
    public IDevice? Behind { get; init; }

    public DeviceDescription Description => inner.Description;
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
        => inner.Read(window, inputVolts, outputAmps, activation);
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts) => inner.ApplyCellPulses(request, window, counts);
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains) => inner.ApplyOuterProductPulses(request, window, trains);
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens) => inner.MeasureConductances(window, siemens);
    public DeviceHealth ReadHealth() => inner.ReadHealth();

    public void Dispose()
    {
        inner.Dispose();
        foreach (var o in owned) o.Dispose();
    }
}

using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;
using MortalHil.Testing.Chains;

namespace MortalHil.Host.Tests.ChainWire;

/// <summary>The chain contract on the simulator itself (a small reram-mortal board).</summary>
public class SimulatedChainConformance : ChainConformanceTests
{
    protected override IAnalogChainDevice OpenDevice() => ChainWireBoards.Create("21");
    protected override bool MeasurementIsExact => false; // the simulator's conductance readout is noisy
}

/// <summary>The chain contract on the same board served by the virtual board, through the host's SerialBoard.</summary>
public class ServedChainConformance : ChainConformanceTests
{
    protected override IAnalogChainDevice OpenDevice()
    {
        var served = new InMemoryServedBoard(ChainWireBoards.Create("21"));
        return new OwningChainDevice(served.Board, served);
    }

    protected override bool MeasurementIsExact => false;
}

/// <summary>The chain contract on the C reference firmware (host build on a pseudo-terminal).</summary>
public class FirmwareChainConformance : ChainConformanceTests
{
    protected override IAnalogChainDevice OpenDevice()
    {
        var firmware = FirmwareHostProcess.Start();
        try { return new OwningChainDevice(SerialBoard.Open(firmware.PortPath), firmware); }
        catch
        {
            firmware.Dispose();
            throw;
        }
    }
}

/// <summary>A chain device that also disposes what serves it (the link and server, or the firmware process).</summary>
internal sealed class OwningChainDevice(IAnalogChainDevice inner, IDisposable owned) : IAnalogChainDevice
{
    public DeviceDescription Description => inner.Description;
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
        => inner.Read(window, inputVolts, outputAmps, activation);
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts) => inner.ApplyCellPulses(request, window, counts);
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains) => inner.ApplyOuterProductPulses(request, window, trains);
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens) => inner.MeasureConductances(window, siemens);
    public DeviceHealth ReadHealth() => inner.ReadHealth();
    public void ReadChain(ReadOnlySpan<float> inputVolts, int repeats, ReadOnlySpan<float> injectionAmps, Span<float> outputAmps, Span<float> tapVolts)
        => inner.ReadChain(inputVolts, repeats, injectionAmps, outputAmps, tapVolts);
    public PulseReceipt ApplyLatchedOuterProduct(in PulseRequest request, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity)
        => inner.ApplyLatchedOuterProduct(request, stage, example, rowProbability, slots, columnTrains, columnPolarity);

    public void Dispose()
    {
        inner.Dispose();
        owned.Dispose();
    }
}

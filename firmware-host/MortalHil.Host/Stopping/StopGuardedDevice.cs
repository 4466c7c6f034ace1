using MortalHil.Core.Devices;
using MortalHil.Hardware.Safety;

namespace MortalHil.Host.Stopping;

/// <summary>
/// A board behind <see cref="SafeStop"/>: each operation runs under one lock and is refused once a stop
/// was asked for; disposing (or a forced stop) puts the board in its safe state first when it has one
/// (<see cref="ISafeStateDevice"/>). Operations are never interrupted half way. A board with an analog chain (for
/// example a serial board whose firmware describes one) keeps it: chain reads and latched updates pass through the
/// same guard; a board without one refuses them as every <see cref="IAnalogChainDevice"/> does.
/// </summary>
public sealed class StopGuardedDevice(IDevice inner) : IAnalogChainDevice
{
    private readonly object _gate = new();
    private bool _parked, _disposed;

    /// <summary>The board this guards.</summary>
    public IDevice Inner => inner;

    public DeviceDescription Description => inner.Description;

    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        lock (_gate)
        {
            Enter();
            inner.Read(window, inputVolts, outputAmps, activation);
        }
    }

    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        lock (_gate)
        {
            Enter();
            return inner.ApplyCellPulses(request, window, counts);
        }
    }

    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        lock (_gate)
        {
            Enter();
            return inner.ApplyOuterProductPulses(request, window, trains);
        }
    }

    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        lock (_gate)
        {
            Enter();
            inner.MeasureConductances(window, siemens);
        }
    }

    public DeviceHealth ReadHealth()
    {
        lock (_gate)
        {
            Enter();
            return inner.ReadHealth();
        }
    }

    public void ReadChain(ReadOnlySpan<float> inputVolts, int repeats, ReadOnlySpan<float> injectionAmps, Span<float> outputAmps, Span<float> tapVolts)
    {
        lock (_gate)
        {
            Enter();
            ChainDevice().ReadChain(inputVolts, repeats, injectionAmps, outputAmps, tapVolts);
        }
    }

    public PulseReceipt ApplyLatchedOuterProduct(in PulseRequest request, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity)
    {
        lock (_gate)
        {
            Enter();
            return ChainDevice().ApplyLatchedOuterProduct(request, stage, example, rowProbability, slots, columnTrains, columnPolarity);
        }
    }

    private IAnalogChainDevice ChainDevice()
    {
        ChainGuards.Chain(inner.Description); // refuses when the board describes no chain
        return inner as IAnalogChainDevice ?? throw new DeviceLimitException($"board {inner.Description.Kind} describes a chain but cannot read it");
    }

    /// <summary>Puts the board in its safe state between operations and refuses every later one.</summary>
    internal void ParkSafely()
    {
        lock (_gate)
        {
            if (_parked || _disposed) return;
            _parked = true;
            if (inner is ISafeStateDevice safe) safe.EnterSafeState();
        }
    }

    private void Enter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SafeStop.ThrowIfRequested();
        if (_parked) throw new StopRequestedException(SafeStop.RequestedBy ?? "a stop");
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            try
            {
                if (!_parked && inner is ISafeStateDevice safe) safe.EnterSafeState();
            }
            finally
            {
                _disposed = true;
                inner.Dispose();
                SafeStop.Forget(this);
            }
        }
    }
}

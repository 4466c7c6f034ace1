using System.Device.Gpio;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>A GPIO driver with no hardware: keeps pin levels, traces and reports every write.</summary>
public sealed class EmulatedGpioDriver(SpiTrace trace, Action<int, PinValue> onWrite) : GpioDriver
{
    private readonly Dictionary<int, PinValue> _levels = new();
    private readonly Dictionary<int, PinMode> _modes = new();

    protected override int PinCount => 64;
    protected override void OpenPin(int pinNumber) => _levels.TryAdd(pinNumber, PinValue.Low);
    protected override void ClosePin(int pinNumber) => _levels.Remove(pinNumber);
    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;
    protected override PinMode GetPinMode(int pinNumber) => _modes.GetValueOrDefault(pinNumber, PinMode.Input);
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output;
    protected override PinValue Read(int pinNumber) => _levels.GetValueOrDefault(pinNumber, PinValue.Low);

    protected override void Write(int pinNumber, PinValue value)
    {
        _levels[pinNumber] = value;
        trace.Gpio(pinNumber, value);
        onWrite(pinNumber, value);
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
        => throw new NotSupportedException("the dry run has no inputs");
    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
        => throw new NotSupportedException("the dry run has no inputs");
    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
        => throw new NotSupportedException("the dry run has no inputs");
}

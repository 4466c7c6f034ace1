using System.Device.Gpio;
using Iot.Device.Board;

namespace MortalHil.Hardware.Spi.Header;

/// <summary>
/// dotnet/iot's Raspberry Pi board model (<see cref="RaspberryPiBoard"/>: which header pins each SPI bus
/// and chip select uses, and pin reservations that refuse a pin claimed for two functions), run without
/// touching hardware: the GPIO driver it would open is replaced by one that only counts the header's
/// 28 GPIO lines, and switching a pin's ALT function is skipped. Used to check a profile anywhere.
/// </summary>
internal sealed class PiHeaderModel : RaspberryPiBoard
{
    /// <summary>GPIO lines on the 40-pin header (BCM numbering 0..27).</summary>
    public const int HeaderGpioCount = 28;

    protected override GpioDriver? TryCreateBestGpioDriver() => new HeaderOnlyDriver();

    // The real board switches the pin's ALT function here; a check must not.
    protected override void ActivatePinMode(int pinNumber, PinUsage usage) { }

    /// <summary>A driver that knows the header's pin count and refuses any I/O (nothing is opened during a check).</summary>
    private sealed class HeaderOnlyDriver : GpioDriver
    {
        protected override int PinCount => HeaderGpioCount;
        protected override void OpenPin(int pinNumber) => throw new NotSupportedException("header model: no I/O");
        protected override void ClosePin(int pinNumber) { }
        protected override void SetPinMode(int pinNumber, PinMode mode) => throw new NotSupportedException("header model: no I/O");
        protected override PinMode GetPinMode(int pinNumber) => PinMode.Input;
        protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output;
        protected override PinValue Read(int pinNumber) => throw new NotSupportedException("header model: no I/O");
        protected override void Write(int pinNumber, PinValue value) => throw new NotSupportedException("header model: no I/O");
        protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) => throw new NotSupportedException("header model: no I/O");
        protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) => throw new NotSupportedException("header model: no I/O");
        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) => throw new NotSupportedException("header model: no I/O");
    }
}

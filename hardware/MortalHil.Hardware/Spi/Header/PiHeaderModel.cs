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

    /// <summary>
    /// The header pin (1..40) of each BCM GPIO line 0..27: the 40-pin layout shared by every Pi since the
    /// B+ (raspberrypi.com documentation, "GPIO and the 40-pin header"). dotnet/iot 4.2 keeps its own copy
    /// of this map internal, so it is written out here once.
    /// </summary>
    private static readonly int[] PhysicalPins = [27, 28, 3, 5, 7, 29, 31, 26, 24, 21, 19, 23, 32, 33, 8, 10, 36, 11, 12, 35, 38, 40, 15, 16, 18, 22, 37, 13];

    /// <summary>The header pin of a BCM GPIO line, 0 if it is not on the header.</summary>
    public int PhysicalPinOf(int gpio) => gpio is >= 0 and < HeaderGpioCount ? PhysicalPins[gpio] : 0;

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

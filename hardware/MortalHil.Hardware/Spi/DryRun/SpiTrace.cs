using System.Device.Gpio;
using System.Globalization;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>
/// A line-per-event record of what a dry run sent to its chips: <c>spi BUS.CS w HEX</c> for a write,
/// <c>spi BUS.CS x HEX</c> for a full-duplex transfer (the bytes sent), <c>gpio PIN 0|1</c> for a line
/// written. Each line is flushed as it is written, so the file shows the last bytes even when the
/// process is stopped. Thread-safe.
/// </summary>
public sealed class SpiTrace : IDisposable
{
    private readonly StreamWriter? _writer;
    private readonly object _lock = new();

    /// <summary>A trace into <paramref name="path"/> (created or truncated), or none when null.</summary>
    public SpiTrace(string? path)
    {
        if (path is not null) _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public void Spi(int bus, int chipSelect, char kind, ReadOnlySpan<byte> bytes)
    {
        if (_writer is null) return;
        var line = string.Create(CultureInfo.InvariantCulture, $"spi {bus}.{chipSelect} {kind} {Convert.ToHexString(bytes)}");
        lock (_lock) _writer.WriteLine(line);
    }

    public void Gpio(int pin, PinValue value)
    {
        if (_writer is null) return;
        var line = string.Create(CultureInfo.InvariantCulture, $"gpio {pin} {(value == PinValue.High ? 1 : 0)}");
        lock (_lock) _writer.WriteLine(line);
    }

    public void Dispose()
    {
        lock (_lock) _writer?.Dispose();
    }
}

using System.Device.Gpio;
using System.Globalization;

namespace MortalHil.Hardware.Spi.DryRun;

/// <summary>
/// A line-per-event record of what a dry run sent to its chips: <c>spi BUS.CS w HEX</c> for a write,
/// <c>spi BUS.CS x HEX</c> for a full-duplex transfer (the bytes sent), <c>gpio PIN 0|1</c> for a line
/// written. Each line is flushed as it is written, so the file shows the last bytes even when the
/// process is stopped. Thread-safe.
/// A trace can hold the dry run at a chosen line, in the middle of a board operation, so that what a signal does
/// there can be rehearsed exactly: it writes <c>PATH.held</c> and waits until <c>PATH.release</c> exists (at most
/// <see cref="MaxHold"/>), then goes on.
/// </summary>
public sealed class SpiTrace : IDisposable
{
    /// <summary>The longest a held trace waits for its release file.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(120);

    private readonly StreamWriter? _writer;
    private readonly object _lock = new();
    private readonly string? _path;
    private readonly long _holdAt;
    private long _lines;

    /// <summary>A trace into <paramref name="path"/> (created or truncated), or none when null; held once at line <paramref name="holdAtLine"/> when given.</summary>
    public SpiTrace(string? path, long? holdAtLine = null)
    {
        if (holdAtLine is <= 0) throw new ArgumentOutOfRangeException(nameof(holdAtLine), "a trace is held at a line number of 1 or more");
        if (path is not null) _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        _path = path;
        _holdAt = path is null ? 0 : holdAtLine ?? 0;
    }

    private void Write(string line)
    {
        bool hold;
        lock (_lock)
        {
            _writer!.WriteLine(line);
            hold = ++_lines == _holdAt;
        }
        if (!hold) return;
        File.WriteAllText(_path + ".held", _lines.ToString(CultureInfo.InvariantCulture));
        var until = DateTime.UtcNow + MaxHold;
        while (!File.Exists(_path + ".release") && DateTime.UtcNow < until) Thread.Sleep(10);
    }

    public void Spi(int bus, int chipSelect, char kind, ReadOnlySpan<byte> bytes)
    {
        if (_writer is null) return;
        Write(string.Create(CultureInfo.InvariantCulture, $"spi {bus}.{chipSelect} {kind} {Convert.ToHexString(bytes)}"));
    }

    public void Gpio(int pin, PinValue value)
    {
        if (_writer is null) return;
        Write(string.Create(CultureInfo.InvariantCulture, $"gpio {pin} {(value == PinValue.High ? 1 : 0)}"));
    }

    public void Dispose()
    {
        lock (_lock) _writer?.Dispose();
    }
}

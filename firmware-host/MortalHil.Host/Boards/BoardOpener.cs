using MortalHil.Core.Devices;
using MortalHil.Host.Cli;
using MortalHil.Host.Stopping;

namespace MortalHil.Host.Boards;

/// <summary>
/// Opens a board from a spec such as <c>sim:reram:42</c>, <c>simfile:board.json</c>,
/// <c>serial:/dev/ttyACM0</c>, <c>spi:profile.json</c> or <c>spi-dry:profile.json</c>. Hardware boards are
/// wrapped by <see cref="SafeStop.Guard"/> so a SIGINT/SIGTERM leaves them safe. Each scheme is one entry below; the
/// text after the first colon is handed to that scheme's opener unchanged.
/// </summary>
public static class BoardOpener
{
    private static readonly Dictionary<string, (string Usage, Func<string, GpioSelection, IDevice> Open)> Schemes = new(StringComparer.Ordinal)
    {
        ["sim"] = (SimBoardSpec.SimUsage, (args, gpio) => { gpio.RefuseFor("sim"); return SimBoardSpec.OpenSim(args); }),
        ["simfile"] = (SimBoardSpec.SimFileUsage, (args, gpio) => { gpio.RefuseFor("simfile"); return SimBoardSpec.OpenSimFile(args); }),
        ["serial"] = ("serial:<port>  (a board on a serial port speaking hardware/PROTOCOL.md, e.g. serial:/dev/ttyACM0 or serial:/dev/pts/3)",
            (port, gpio) => { gpio.RefuseFor("serial"); return SafeStop.Guard(MortalHil.Hardware.Serial.SerialBoard.Open(port)); }),
        ["spi"] = ($"spi:<profile.json>  (a Raspberry Pi wired to DAC8568/MCP3208 converters; see hardware/README.md; --gpio-driver, else ${GpioSelection.DriverVariable}, overrides the profile's gpioDriver)",
            (path, gpio) => SafeStop.Guard(MortalHil.Hardware.Spi.SpiBoard.Open(path, gpio.EffectiveDriver, gpio.Chip))),
        ["spi-dry"] = ("spi-dry:<profile.json>  (dry run of an SPI profile on emulated chips, no Pi needed; $MORTALHIL_SPI_TRACE=FILE logs every SPI frame and GPIO write, $MORTALHIL_SPI_TRACE_HOLD=N holds the run at line N until FILE.release exists)",
            (path, gpio) => { gpio.RefuseFor("spi-dry"); return SafeStop.Guard(MortalHil.Hardware.Spi.SpiBoard.OpenDryRun(path, Environment.GetEnvironmentVariable("MORTALHIL_SPI_TRACE"), TraceHold())); }),
    };

    /// <summary>The accepted spec forms, for help texts and error messages.</summary>
    public static IEnumerable<string> Usages => Schemes.Values.Select(s => s.Usage);

    /// <summary>Opens the board <paramref name="spec"/> names; <paramref name="gpio"/> (spi: boards only) chooses its GPIO driver and chip.</summary>
    public static IDevice Open(string spec, GpioSelection? gpio = null)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0 || colon == spec.Length - 1)
            throw new CliUsageException($"board spec '{spec}' is not SCHEME:ARGS; use one of: {string.Join(", ", Usages)}");
        var scheme = spec[..colon];
        if (!Schemes.TryGetValue(scheme, out var entry))
            throw new CliUsageException($"unknown board scheme '{scheme}'; use one of: {string.Join(", ", Usages)}");
        return entry.Open(spec[(colon + 1)..], gpio ?? GpioSelection.None);
    }

    /// <summary>
    /// True when the board <paramref name="spec"/> names describes an analog chain, so a command can pick chain defaults
    /// before it starts: a <c>sim:</c> preset is read without building the board; a <c>serial:</c> board is asked (its
    /// DESCRIBE, and DESCRIBE_CHAIN when it speaks protocol version 2) and closed again. Other boards answer false.
    /// </summary>
    public static bool DescribesChain(string spec, GpioSelection? gpio = null)
    {
        if (spec.StartsWith("sim:", StringComparison.Ordinal)) return SimBoardSpec.DescribesChain(spec);
        if (!spec.StartsWith("serial:", StringComparison.Ordinal)) return false;
        using var board = Open(spec, gpio);
        return board.Description.AnalogChain is not null;
    }

    /// <summary>$MORTALHIL_SPI_TRACE_HOLD: the trace line a dry run is held at (rehearsing a signal mid-operation), or null.</summary>
    private static long? TraceHold()
    {
        var text = Environment.GetEnvironmentVariable("MORTALHIL_SPI_TRACE_HOLD");
        if (string.IsNullOrEmpty(text)) return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long line) || line < 1)
            throw new CliUsageException($"MORTALHIL_SPI_TRACE_HOLD must be a line number of 1 or more (got '{text}')");
        if (Environment.GetEnvironmentVariable("MORTALHIL_SPI_TRACE") is null)
            throw new CliUsageException("MORTALHIL_SPI_TRACE_HOLD needs MORTALHIL_SPI_TRACE (the trace whose line it names)");
        return line;
    }
}

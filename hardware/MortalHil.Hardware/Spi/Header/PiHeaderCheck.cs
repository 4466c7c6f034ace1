using System.Device.Spi;
using Iot.Device.Board;
using MortalHil.Hardware.Spi.Chips.Dac8568;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Spi.Header;

/// <summary>
/// Checks that a profile can be wired on a Raspberry Pi's 40-pin header, with dotnet/iot's board model
/// (<see cref="PiHeaderModel"/>): every chip's SPI bus and chip select exist and their pins
/// (MISO, MOSI, SCLK, CE) are reserved for SPI; every selection, polarity and fire line is reserved
/// for GPIO, so a line that is also an SPI pin of a bus in use, or used twice, is refused by the model's
/// own reservation rules; GPIO 0/1 stay free for the HAT ID EEPROM. It also refuses an SPI mode the
/// bus's controller cannot make: the auxiliary SPI1 of the Pi 3 and 4 (Linux driver spi-bcm2835aux)
/// has no CPHA=1, so no mode 1 or 3, and the DAC8568 needs mode 1.
/// </summary>
public static class PiHeaderCheck
{
    /// <summary>The Pi's SPI controller behind a bus number (for messages and the mode check).</summary>
    public static string ControllerName(PiModel model, int bus) => (model, bus) switch
    {
        (_, 0) => "SPI0",
        (PiModel.Pi5, 1) => "SPI1 (RP1)",
        (_, 1) => "SPI1 (auxiliary, spi-bcm2835aux)",
        _ => $"SPI{bus}",
    };

    /// <summary>Whether the bus's controller supports clock phase 1 (modes 1 and 3).</summary>
    public static bool SupportsClockPhase1(PiModel model, int bus) => !(bus == 1 && model != PiModel.Pi5);

    public static void Validate(SpiBoardProfile p, PiModel model, Action<string, string> fail)
    {
        using var header = new PiHeaderModel();
        int[] busesOnModel = model == PiModel.Pi4 ? [0, 1, 3, 4, 5, 6] : [0, 1];

        // The HAT ID EEPROM (ID_SD, ID_SC) owns GPIO 0 and 1 on every HAT-compatible Pi.
        header.ReservePin(0, PinUsage.I2c, "the HAT ID EEPROM (ID_SD)");
        header.ReservePin(1, PinUsage.I2c, "the HAT ID EEPROM (ID_SC)");

        var chips = p.Dacs.Select((d, k) => (Field: $"dacs[{k}]", d.Bus, d.ChipSelect, Mode: Dac8568.Mode, Name: d.Chip))
            .Concat(p.Adcs.Select((a, k) => (Field: $"adcs[{k}]", a.Bus, a.ChipSelect, Mode: SpiMode.Mode0, Name: a.Chip)));
        foreach (var c in chips)
        {
            if (!busesOnModel.Contains(c.Bus))
                fail($"{c.Field}.bus", $"SPI bus {c.Bus} does not exist on a {model} (buses: {string.Join(", ", busesOnModel)})");
            int[] pins;
            try { pins = header.GetDefaultPinAssignmentForSpi(new SpiConnectionSettings(c.Bus, c.ChipSelect)); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException)
            {
                fail($"{c.Field}.chipSelect", $"SPI bus {c.Bus} has no chip select {c.ChipSelect} ({e.Message.Split('\n')[0]})");
                return;
            }
            string owner = $"{c.Field} ({c.Name} on {ControllerName(model, c.Bus)} CE{c.ChipSelect})";
            foreach (int pin in pins) Reserve(header, pin, PinUsage.Spi, owner, $"{c.Field}.bus", fail);
            bool cpha = c.Mode is SpiMode.Mode1 or SpiMode.Mode3;
            if (cpha && !SupportsClockPhase1(model, c.Bus))
                fail($"{c.Field}.bus", $"{c.Name} needs SPI {c.Mode} (CPHA=1), which {ControllerName(model, c.Bus)} of a {model} cannot do (modes 0 and 2 only); put it on bus 0" + (model == PiModel.Pi4 ? " or 3-6" : ""));
        }

        var lines = new List<(string Field, int Pin)> { ("pulse.firePin", p.Pulse.FirePin), ("pulse.polarityPin", p.Pulse.PolarityPin) };
        var s = p.Selection;
        if (s.Mode == "gpio")
        {
            lines.AddRange(s.RowPins.Select((pin, i) => ($"selection.rowPins[{i}]", pin)));
            lines.AddRange(s.ColumnPins.Select((pin, j) => ($"selection.columnPins[{j}]", pin)));
        }
        else lines.AddRange([("selection.dataPin", s.DataPin), ("selection.clockPin", s.ClockPin), ("selection.latchPin", s.LatchPin)]);
        foreach (var (field, pin) in lines)
        {
            if (pin is < 0 or >= PiHeaderModel.HeaderGpioCount) fail(field, $"GPIO {pin} is not on the 40-pin header (GPIO 0..27)");
            Reserve(header, pin, PinUsage.Gpio, field, field, fail);
        }
    }

    private static void Reserve(Board header, int pin, PinUsage usage, string owner, string field, Action<string, string> fail)
    {
        try { header.ReservePin(pin, usage, owner); }
        catch (InvalidOperationException e) { fail(field, $"GPIO {pin}: {e.Message.Replace("by class ", "by ")}"); }
    }
}

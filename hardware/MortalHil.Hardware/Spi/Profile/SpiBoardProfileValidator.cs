using MortalHil.Hardware.Spi.Chips.Dac8568;
using MortalHil.Hardware.Spi.Chips.Mcp3208;
using MortalHil.Hardware.Spi.Gpio;
using MortalHil.Hardware.Spi.Header;

namespace MortalHil.Hardware.Spi.Profile;

/// <summary>
/// Refuses a profile that is inconsistent or that would drive a voltage past a chip's reference or
/// the board's safe limits. Each error is one <see cref="InvalidDataException"/> naming the field.
/// </summary>
public static class SpiBoardProfileValidator
{
    public static void Validate(SpiBoardProfile p, string source = "profile")
    {
        void Fail(string field, string why) => throw new InvalidDataException($"{source}: {field}: {why}");
        void Positive(double v, string field)
        {
            if (!(v > 0) || !double.IsFinite(v)) Fail(field, $"{v} must be a positive number");
        }

        if (string.IsNullOrWhiteSpace(p.SerialNumber)) Fail("serialNumber", "must not be empty");
        if (p.Rows is < 1 or > 4096) Fail("rows", $"{p.Rows} outside 1..4096");
        if (p.Columns is < 1 or > 4096) Fail("columns", $"{p.Columns} outside 1..4096");
        if (!(p.SupplyVolts is >= 2.7 and <= Mcp3208Converter.MaxSupplyVolts))
            Fail("supplyVolts", $"{p.SupplyVolts} V outside the converters' 2.7..5.5 V supply range (MCP3208 DS21298; DAC8568 AVDD ≤ 5.5 V)");

        if (p.Dacs.Count == 0) Fail("dacs", "at least one DAC chip is needed");
        for (int k = 0; k < p.Dacs.Count; k++)
        {
            var d = p.Dacs[k];
            if (d.Chip != "DAC8568") Fail($"dacs[{k}].chip", $"'{d.Chip}' is not a supported DAC (supported: DAC8568)");
            Positive(d.ReferenceVolts, $"dacs[{k}].referenceVolts");
            if (d.InternalReference && d.ReferenceVolts != Dac8568.InternalReferenceVolts)
                Fail($"dacs[{k}].referenceVolts", $"{d.ReferenceVolts} V, but the internal reference is {Dac8568.InternalReferenceVolts} V");
            // Output spans 0 .. 2 x VREF and cannot exceed the supply.
            if (2 * d.ReferenceVolts > p.SupplyVolts)
                Fail($"dacs[{k}].referenceVolts", $"{d.ReferenceVolts} V would need outputs up to {2 * d.ReferenceVolts} V, past the {p.SupplyVolts} V supply");
            if (d.ClockHz is < 1_000 or > 50_000_000) Fail($"dacs[{k}].clockHz", $"{d.ClockHz} outside 1 kHz..50 MHz (DAC8568 SCLK limit)");
        }
        if (p.Adcs.Count == 0) Fail("adcs", "at least one ADC chip is needed");
        for (int k = 0; k < p.Adcs.Count; k++)
        {
            var a = p.Adcs[k];
            if (a.Chip != "MCP3208") Fail($"adcs[{k}].chip", $"'{a.Chip}' is not a supported ADC (supported: MCP3208)");
            Positive(a.ReferenceVolts, $"adcs[{k}].referenceVolts");
            if (a.ReferenceVolts > p.SupplyVolts) Fail($"adcs[{k}].referenceVolts", $"{a.ReferenceVolts} V is past the {p.SupplyVolts} V supply (MCP3208: VREF ≤ VDD)");
            if (a.ClockHz is < 10_000 or > 2_000_000) Fail($"adcs[{k}].clockHz", $"{a.ClockHz} outside 10 kHz..2 MHz (MCP3208 at 5 V)");
        }
        var selects = p.Dacs.Select(d => (d.Bus, d.ChipSelect)).Concat(p.Adcs.Select(a => (a.Bus, a.ChipSelect))).ToList();
        if (selects.Distinct().Count() != selects.Count) Fail("adcs/dacs chipSelect", "two chips share a bus and chip select");

        CheckChannels(p.RowChannels, p.Rows, "rowChannels", p.Dacs.Count, Dac8568.ChannelCount, Fail);
        CheckChannels(p.ColumnChannels, p.Columns, "columnChannels", p.Adcs.Count, Mcp3208Converter.ChannelCount, Fail);
        var pulse = p.Pulse;
        if ((uint)pulse.AmplitudeChannel.Chip >= (uint)p.Dacs.Count || (uint)pulse.AmplitudeChannel.Channel >= Dac8568.ChannelCount)
            Fail("pulse.amplitudeChannel", $"{pulse.AmplitudeChannel} names no DAC channel");
        if (p.RowChannels.Contains(pulse.AmplitudeChannel)) Fail("pulse.amplitudeChannel", $"{pulse.AmplitudeChannel} also drives a row");

        var limits = p.Limits;
        Positive(limits.MaxReadVolts, "limits.maxReadVolts");
        Positive(limits.MaxPulseVolts, "limits.maxPulseVolts");
        Positive(limits.MinPulseWidthSeconds, "limits.minPulseWidthSeconds");
        if (!(limits.MaxPulseWidthSeconds >= limits.MinPulseWidthSeconds)) Fail("limits.maxPulseWidthSeconds", "must be ≥ limits.minPulseWidthSeconds");
        if (limits.MaxPulseWidthSeconds > 0.1) Fail("limits.maxPulseWidthSeconds", $"{limits.MaxPulseWidthSeconds} s is longer than any programming pulse (≤ 0.1 s)");
        if (limits.MaxPulsesPerCellPerRequest is < 1 or > short.MaxValue) Fail("limits.maxPulsesPerCellPerRequest", "outside 1..32767");
        if (limits.MaxBatch is < 1 or > 1_000_000) Fail("limits.maxBatch", "outside 1..1000000");

        // Row path: the offset must be a voltage the DAC can make, and the promised read range must
        // be reachable on both sides of it and within the board's safe read limit.
        var rowDac = p.Dacs[p.RowChannels[0].Chip];
        double rowSpan = 2 * p.Dacs.Where((_, k) => p.RowChannels.Any(r => r.Chip == k)).Min(d => d.ReferenceVolts);
        Positive(p.RowDriver.Gain, "rowDriver.gain");
        if (!(p.RowDriver.OffsetVolts >= 0 && p.RowDriver.OffsetVolts <= rowSpan))
            Fail("rowDriver.offsetVolts", $"{p.RowDriver.OffsetVolts} V is past the row DACs' output range 0..{rowSpan} V (2 x reference)");
        double reachable = p.RowDriver.Gain * Math.Min(p.RowDriver.OffsetVolts, rowSpan - p.RowDriver.OffsetVolts);
        Positive(p.ReadFullScaleVolts, "readFullScaleVolts");
        if (p.ReadFullScaleVolts > reachable * (1 + 1e-9))
            Fail("readFullScaleVolts", $"±{p.ReadFullScaleVolts} V is past what the row DACs reach (±{reachable:G4} V with reference {rowDac.ReferenceVolts} V, offset {p.RowDriver.OffsetVolts} V, gain {p.RowDriver.Gain})");
        if (p.ReadFullScaleVolts > limits.MaxReadVolts)
            Fail("readFullScaleVolts", $"±{p.ReadFullScaleVolts} V is past the board's safe read limit limits.maxReadVolts = {limits.MaxReadVolts} V");
        Positive(p.MeasureVolts, "measureVolts");
        if (p.MeasureVolts > Math.Min(p.ReadFullScaleVolts, limits.MaxReadVolts))
            Fail("measureVolts", $"{p.MeasureVolts} V is past the read range ±{Math.Min(p.ReadFullScaleVolts, limits.MaxReadVolts)} V");
        if (!(p.SettleMicroseconds is >= 0 and <= 100_000)) Fail("settleMicroseconds", "outside 0..100000");

        // Pulse path: the safe pulse limit must be reachable by the amplitude DAC (else the board
        // would promise pulses it cannot make), and nominal pulses must be within the limits.
        Positive(pulse.AmplitudeGain, "pulse.amplitudeGain");
        double pulseReach = 2 * p.Dacs[pulse.AmplitudeChannel.Chip].ReferenceVolts * 65535 / 65536 * pulse.AmplitudeGain;
        if (limits.MaxPulseVolts > pulseReach * (1 + 1e-9))
            Fail("limits.maxPulseVolts", $"{limits.MaxPulseVolts} V is past what the pulse DAC reaches ({pulseReach:G4} V = 2 x reference {p.Dacs[pulse.AmplitudeChannel.Chip].ReferenceVolts} V x gain {pulse.AmplitudeGain})");
        if (!(pulse.GapSeconds is >= 0 and <= 0.1)) Fail("pulse.gapSeconds", "outside 0..0.1 s");
        Positive(p.NominalPulseVolts, "nominalPulseVolts");
        if (p.NominalPulseVolts > limits.MaxPulseVolts) Fail("nominalPulseVolts", $"{p.NominalPulseVolts} V is past limits.maxPulseVolts = {limits.MaxPulseVolts} V");
        if (!(p.NominalPulseWidthSeconds >= limits.MinPulseWidthSeconds && p.NominalPulseWidthSeconds <= limits.MaxPulseWidthSeconds))
            Fail("nominalPulseWidthSeconds", "outside limits.minPulseWidthSeconds..limits.maxPulseWidthSeconds");

        // Column path: the quiescent ADC input must sit inside the ADC span.
        Positive(p.ColumnAmplifier.TransimpedanceOhms, "columnAmplifier.transimpedanceOhms");
        double adcRef = p.ColumnChannels.Select(c => p.Adcs[c.Chip].ReferenceVolts).Min();
        if (!(p.ColumnAmplifier.OffsetVolts > 0 && p.ColumnAmplifier.OffsetVolts < adcRef))
            Fail("columnAmplifier.offsetVolts", $"{p.ColumnAmplifier.OffsetVolts} V is outside the ADC input range 0..{adcRef} V (its reference)");

        Positive(p.NominalConductanceMinSiemens, "nominalConductanceMinSiemens");
        if (!(p.NominalConductanceMaxSiemens > p.NominalConductanceMinSiemens)) Fail("nominalConductanceMaxSiemens", "must exceed nominalConductanceMinSiemens");

        CheckSelection(p, Fail);

        if (!Enum.TryParse<PiModel>(p.PiModel, ignoreCase: true, out var model) || !p.PiModel.StartsWith("pi", StringComparison.OrdinalIgnoreCase))
            Fail("piModel", $"'{p.PiModel}' is not pi3, pi4 or pi5");
        if (!GpioDriverChoice.Names.Contains(p.GpioDriver)) Fail("gpioDriver", $"'{p.GpioDriver}' is not one of {string.Join(", ", GpioDriverChoice.Names)}");
        if (p.GpioChip is < -1 or > GpioDriverChoice.MaxChip) Fail("gpioChip", $"{p.GpioChip} outside -1..{GpioDriverChoice.MaxChip}");
        PiHeaderCheck.Validate(p, model, Fail);
    }

    private static void CheckChannels(IReadOnlyList<ChannelRef> channels, int count, string field, int chips, int perChip, Action<string, string> fail)
    {
        if (channels.Count != count) fail(field, $"{channels.Count} entries for {count} lines");
        for (int i = 0; i < channels.Count; i++)
            if ((uint)channels[i].Chip >= (uint)chips || (uint)channels[i].Channel >= (uint)perChip)
                fail($"{field}[{i}]", $"{channels[i]} names no channel (chips 0..{chips - 1}, channels 0..{perChip - 1})");
        if (channels.Distinct().Count() != channels.Count) fail(field, "a channel is used twice");
    }

    private static void CheckSelection(SpiBoardProfile p, Action<string, string> fail)
    {
        var s = p.Selection;
        var pins = new List<int> { p.Pulse.PolarityPin, p.Pulse.FirePin };
        switch (s.Mode)
        {
            case "gpio":
                if (s.RowPins.Count != p.Rows) fail("selection.rowPins", $"{s.RowPins.Count} pins for {p.Rows} rows");
                if (s.ColumnPins.Count != p.Columns) fail("selection.columnPins", $"{s.ColumnPins.Count} pins for {p.Columns} columns");
                pins.AddRange(s.RowPins);
                pins.AddRange(s.ColumnPins);
                break;
            case "shiftRegister":
                pins.AddRange([s.DataPin, s.ClockPin, s.LatchPin]);
                break;
            default:
                fail("selection.mode", $"'{s.Mode}' is not 'gpio' or 'shiftRegister'");
                break;
        }
        if (pins.Any(x => x is < 0 or > 63)) fail("selection", "a GPIO pin number is outside 0..63");
        if (pins.Distinct().Count() != pins.Count) fail("selection", "a GPIO pin is used twice (selection, pulse.polarityPin, pulse.firePin)");
    }
}

using MortalHil.Hardware.Spi.Chips.Dac8568;
using MortalHil.Hardware.Spi.Chips.Mcp3208;
using MortalHil.Hardware.Spi.DryRun;
using System.Device.Spi;

namespace MortalHil.Hardware.Tests.Spi;

public class ChipByteTraceTests
{
    private static EmulatedDac8568 Dac(out List<uint> words)
    {
        var received = new List<uint>();
        words = received;
        return new EmulatedDac8568(new SpiConnectionSettings(0, 0) { Mode = SpiMode.Mode1 }, 2.5, internalReference: true, new SpiTrace(null), () => { }) { WordReceived = received.Add };
    }

    [Fact]
    public void Dac8568_words_have_the_datasheet_layout()
    {
        // control 0011 (write and update n), address 0011 (channel D), data 0xABCD, feature 0
        Assert.Equal(0x033ABCD0u, Dac8568.Word(Dac8568.Command.WriteInputUpdateChannel, 3, 0xABCD, 0));
        Assert.Equal(0x08000001u, Dac8568.Word(Dac8568.Command.InternalReferenceStatic, 0, 0, 1));
        Assert.Equal(0x07000000u, Dac8568.Word(Dac8568.Command.SoftwareReset, 0, 0, 0));
    }

    [Fact]
    public void The_Dac8568_driver_sends_reset_reference_then_one_word_per_write_msb_first()
    {
        var chip = Dac(out var words);
        using var dac = new Dac8568(chip);
        dac.Initialize();
        dac.WriteAndUpdate(3, 0xABCD);
        dac.SetIfChanged(3, 0xABCD); // unchanged: nothing sent
        dac.SetIfChanged(7, 0x8000);
        Assert.Equal(new uint[] { 0x07000000, 0x08000001, 0x033ABCD0, 0x03780000 }, words);
        Assert.Equal(0, chip.BadFrames);
        Assert.Equal(2 * 2.5 * 0xABCD / 65536, chip.Output(3), 12);
        Assert.Equal(2.5, chip.Output(7), 12); // midscale = VREF
    }

    [Fact]
    public void Without_the_reference_powered_the_emulated_dac_outputs_nothing()
    {
        var chip = Dac(out _);
        using var dac = new Dac8568(chip);
        dac.WriteAndUpdate(0, 0xFFFF); // no Initialize(): reference still off
        Assert.Equal(0, chip.Output(0));
    }

    [Fact]
    public void The_dotnet_iot_Mcp3208_binding_speaks_the_datasheet_bits_to_the_emulated_chip()
    {
        var volts = new[] { 0.0, 1.234, 3.2999, 0.5, 4.0, 0.001, 2.0, 1.65 };
        var requests = new List<string>();
        var chip = new EmulatedMcp3208(new SpiConnectionSettings(0, 1), 3.3, new SpiTrace(null), ch => volts[ch]) { RequestReceived = requests.Add };
        using var adc = new Mcp3208Converter(new Iot.Device.Adc.Mcp3208(chip), 3.3);
        Assert.Equal(1531, adc.ReadCode(1)); // floor(4096 x 1.234 / 3.3)
        Assert.Equal("064000", requests[^1]); // 00000 1 1 0 | 01 000000 | 00000000: start, single-ended, channel 001
        Assert.Equal(4095, adc.ReadCode(2));
        Assert.Equal(4095, adc.ReadCode(4)); // above VREF saturates
        Assert.Equal("070000", requests[^1]); // channel 100: D2 in the first byte, D1 D0 = 00
        Assert.Equal(0, adc.ReadCode(0));
        Assert.Equal(1.65, adc.ReadVolts(7), 3);
    }
}

using MortalHil.Hardware.Spi.Gpio;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Tests.Spi;

/// <summary>Profiles are checked against the Raspberry Pi header with dotnet/iot's board model.</summary>
public class PiHeaderCheckTests
{
    private static string Example(string name) => Path.Combine(AppContext.BaseDirectory, "profiles", name);

    private static string Refusal(SpiBoardProfile p) => Assert.Throws<InvalidDataException>(() => SpiBoardProfileValidator.Validate(p)).Message;

    [Theory]
    [InlineData("pi-hat-8x4.json")]
    [InlineData("pi-spi0-4x4.json")]
    [InlineData("pi5-spi1-4x4.json")]
    public void Every_example_profile_fits_its_header(string name) => SpiBoardProfileJson.Load(Example(name));

    [Fact]
    public void The_old_example_is_refused_a_mode_1_dac_on_the_auxiliary_spi1()
    {
        var p = SpiBoardProfileJson.Load(Example("pi-hat-8x4.json"));
        var old = p with { Dacs = [p.Dacs[0], p.Dacs[1] with { Bus = 1, ChipSelect = 0 }], Adcs = [p.Adcs[0] with { Bus = 0, ChipSelect = 1 }] };
        var message = Refusal(old);
        Assert.Contains("dacs[1].bus", message);
        Assert.Contains("CPHA=1", message);
    }

    [Fact]
    public void A_selection_line_on_a_pin_of_an_spi_bus_in_use_is_refused_by_the_board_models_reservation()
    {
        var p = SpiBoardProfileJson.Load(Example("pi-hat-8x4.json"));
        // GPIO 19 is SPI1's MISO (the ADC's bus in this profile)
        var rows = p.Selection.RowPins.ToArray();
        rows[7] = 19;
        var message = Refusal(p with { Selection = p.Selection with { RowPins = rows } });
        Assert.Contains("selection.rowPins[7]", message);
        Assert.Contains("GPIO 19", message);
        Assert.Contains("Spi", message);
    }

    [Fact]
    public void The_pi5_spi1_example_is_refused_on_a_pi4()
    {
        var p = SpiBoardProfileJson.Load(Example("pi5-spi1-4x4.json"));
        Assert.Contains("auxiliary", Refusal(p with { PiModel = "pi4" }));
    }

    [Theory]
    [InlineData(0, 2, "dacs[0].chipSelect")] // SPI0 has CE0 and CE1 only
    [InlineData(2, 0, "dacs[0].bus")]        // there is no SPI2 on the header
    public void Buses_and_chip_selects_the_pi_does_not_have_are_refused(int bus, int chipSelect, string field)
    {
        var p = SpiBoardProfileJson.Load(Example("pi-spi0-4x4.json"));
        Assert.Contains(field, Refusal(p with { Dacs = [p.Dacs[0] with { Bus = bus, ChipSelect = chipSelect }] }));
    }

    [Theory]
    [InlineData(28, "not on the 40-pin header")]
    [InlineData(0, "EEPROM")]
    public void Lines_off_the_header_or_on_the_hat_eeprom_are_refused(int pin, string why)
    {
        var p = SpiBoardProfileJson.Load(Example("pi-spi0-4x4.json"));
        var message = Refusal(p with { Pulse = p.Pulse with { FirePin = pin } });
        Assert.Contains("pulse.firePin", message);
        Assert.Contains(why, message);
    }

    [Fact]
    public void Unknown_pi_models_and_gpio_drivers_are_refused_by_field()
    {
        var p = SpiBoardProfileJson.Load(Example("pi-spi0-4x4.json"));
        Assert.Contains("piModel", Refusal(p with { PiModel = "pi2" }));
        Assert.Contains("gpioDriver", Refusal(p with { GpioDriver = "wiringpi" }));
    }

    private static GpioDriverChoice.GpioFacts Facts(string model, bool v2, bool v1, params (int, string)[] chips) => new(model, v2, v1, chips);

    [Fact]
    public void Auto_picks_libgpiod_v2_on_the_header_chip_of_a_pi5_whatever_its_number()
    {
        var newKernel = GpioDriverChoice.Decide("auto", -1, Facts("Raspberry Pi 5 Model B Rev 1.0", true, false, (0, "pinctrl-rp1"), (10, "gpio-brcmstb@107d508500")));
        Assert.Equal(("libgpiod2", 0), (newKernel.Driver, newKernel.Chip));
        var oldKernel = GpioDriverChoice.Decide("auto", -1, Facts("Raspberry Pi 5 Model B Rev 1.0", true, false, (0, "gpio-brcmstb@107d508500"), (4, "pinctrl-rp1")));
        Assert.Equal(("libgpiod2", 4), (oldKernel.Driver, oldKernel.Chip));
    }

    [Fact]
    public void Auto_falls_back_to_the_v1_api_then_sysfs_and_an_explicit_chip_wins()
    {
        var pi4 = GpioDriverChoice.Decide("auto", -1, Facts("Raspberry Pi 4 Model B Rev 1.5", false, true, (0, "pinctrl-bcm2711"), (1, "raspberrypi-exp-gpio")));
        Assert.Equal(("libgpiod", 0), (pi4.Driver, pi4.Chip));
        Assert.Equal("sysfs", GpioDriverChoice.Decide("auto", -1, Facts("Raspberry Pi 3 Model B", false, false)).Driver);
        Assert.Equal(7, GpioDriverChoice.Decide("libgpiod2", 7, Facts("", true, false)).Chip);
    }

    [Fact]
    public void The_register_driver_is_refused_on_a_pi5_and_libgpiod_without_a_header_chip_is_refused()
    {
        Assert.Throws<NotSupportedException>(() => GpioDriverChoice.Decide("raspberrypi", -1, Facts("Raspberry Pi 5 Model B Rev 1.0", true, false, (0, "pinctrl-rp1"))));
        Assert.Throws<NotSupportedException>(() => GpioDriverChoice.Decide("libgpiod2", -1, Facts("Raspberry Pi 5 Model B Rev 1.0", true, false, (0, "a"), (1, "b"))));
    }
}

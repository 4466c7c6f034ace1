using MortalHil.Hardware.Spi.Gpio;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Host.Commands;

namespace MortalHil.Host.Tests;

/// <summary><c>--gpio-driver</c> and <c>--gpio-chip</c>: declared once, offered by every command that opens an spi: board.</summary>
public class GpioOptionTests
{
    private static string Example(string name) => SafeStopTests.RepoFile("hardware", "MortalHil.Hardware", "Spi", "Profile", "Examples", name);

    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return (code, err.ToString());
    }

    [Theory]
    [InlineData("characterize")]
    [InlineData("train")]
    [InlineData("sim serve")]
    public void An_unknown_driver_is_refused_while_parsing_with_the_list_of_drivers(string command)
    {
        string[] output = command == "sim serve" ? [] : ["--out", Path.GetTempPath()];
        var (code, err) = Run([.. command.Split(' '), "--board", $"spi:{Example("pi-spi0-4x4.json")}", "--gpio-driver", "wiringpi", .. output]);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("error: ", err);
        Assert.Contains("--gpio-driver 'wiringpi' is not one of: auto, libgpiod, libgpiod2, sysfs, raspberrypi", err);
    }

    [Fact]
    public void A_gpio_option_for_a_board_without_gpio_lines_is_refused_before_anything_is_written()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"mh-gpio-{Guid.NewGuid():N}");
        var (code, err) = Run("characterize", "--board", "sim:ideal:1", "--gpio-chip", "4", "--out", outDir);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("apply to spi: boards only", err);
        Assert.False(Directory.Exists(outDir));
        Assert.Equal(ExitCodes.BadInput, Run("characterize", "--board", "sim:ideal:1", "--gpio-chip", "65", "--out", outDir).Code);
    }

    [Fact]
    public void The_option_reaches_the_driver_choice_of_an_spi_board_over_the_profile()
    {
        // The profile says "auto". Asking for libgpiod2 without a chip on a machine with no header GPIO chip
        // fails in the driver choice, naming the chip setting; asking for a chip gets past that choice.
        var profile = Example("pi-spi0-4x4.json");
        var noChip = Assert.ThrowsAny<IOException>(() => BoardOpener.Open($"spi:{profile}", new GpioSelection("libgpiod2")));
        Assert.Contains("set gpioChip", noChip.Message);
        var withChip = Assert.ThrowsAny<IOException>(() => BoardOpener.Open($"spi:{profile}", new GpioSelection("libgpiod2", 3)));
        Assert.DoesNotContain("set gpioChip", withChip.Message);
        Assert.Throws<CliUsageException>(() => BoardOpener.Open("sim:ideal:1", new GpioSelection("sysfs")));
    }

    [Fact]
    public void Profile_check_names_the_driver_a_pi4_or_pi5_would_use_and_why()
    {
        var pi5 = new GpioDriverChoice.GpioFacts("Raspberry Pi 5 Model B Rev 1.0", true, false, [(0, "pinctrl-rp1")]);
        var pi4 = new GpioDriverChoice.GpioFacts("Raspberry Pi 4 Model B Rev 1.5", false, true, [(0, "pinctrl-bcm2711"), (1, "raspberrypi-exp-gpio")]);
        Assert.Equal("gpio on Raspberry Pi 5 Model B Rev 1.0: libgpiod2 on gpiochip0 (libgpiod.so.3 (libgpiod 2.x, v2 API) is installed)", ProfileCommand.GpioLine("auto", -1, pi5));
        Assert.Contains("'raspberrypi' cannot be used: gpioDriver 'raspberrypi' drives BCM283x/BCM2711 registers", ProfileCommand.GpioLine("raspberrypi", -1, pi5));
        Assert.Equal("gpio on Raspberry Pi 4 Model B Rev 1.5: libgpiod on gpiochip0 (libgpiod.so.2 (libgpiod 1.x, v1 API) is installed)", ProfileCommand.GpioLine("auto", -1, pi4));
        Assert.Equal("gpio on Raspberry Pi 4 Model B Rev 1.5: sysfs (requested 'sysfs')", ProfileCommand.GpioLine("sysfs", -1, pi4));
    }
}

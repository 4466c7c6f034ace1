using System.CommandLine;
using MortalHil.Hardware.Spi.Gpio;
using MortalHil.Hardware.Spi.Header;
using MortalHil.Host.Boards;
using MortalHil.Host.Options;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil profile check FILE</c> and <c>mortalhil profile wiring FILE</c>: an SPI board profile
/// checked (electrical limits and the Pi header, see hardware/README.md) and its wiring tables printed.
/// </summary>
public static class ProfileCommand
{
    public static Command Create()
    {
        var cmd = new Command("profile", "SPI board profiles: check one, print its wiring.");
        cmd.Subcommands.Add(Check());
        cmd.Subcommands.Add(Wiring());
        return cmd;
    }

    private static Argument<FileInfo> ProfileArgument() => new("FILE") { Description = "Board profile (.json), e.g. hardware/MortalHil.Hardware/Spi/Profile/Examples/pi-hat-8x4.json" };

    private static Command Check()
    {
        var file = ProfileArgument();
        var cmd = new Command("check", "Load and check a profile (voltages against chips and safe limits, pins against the Pi header); print a one-line summary and the GPIO driver this machine would use.");
        cmd.Arguments.Add(file);
        var driver = SharedOptions.GpioDriver();
        var chip = SharedOptions.GpioChip();
        cmd.Options.Add(driver);
        cmd.Options.Add(chip);
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(file)!.FullName;
            var p = SpiBoardProfileJson.Load(path);
            Console.WriteLine($"{path}: ok ({p.Kind}, {p.Rows}x{p.Columns}, {p.Dacs.Count} DAC8568, {p.Adcs.Count} MCP3208, {p.PiModel}, {p.Selection.Mode} selection)");
            var gpio = new GpioSelection(parse.GetValue(driver), parse.GetValue(chip));
            Console.WriteLine(GpioLine(gpio.EffectiveDriver ?? p.GpioDriver, gpio.Chip ?? p.GpioChip, GpioDriverChoice.GpioFacts.Gather()));
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// The GPIO driver <c>spi:</c> would open here, and why. A machine that cannot drive the profile (a laptop, a
    /// Pi without libgpiod) is reported, not refused: the profile itself is fine.
    /// </summary>
    internal static string GpioLine(string requested, int chip, GpioDriverChoice.GpioFacts facts)
    {
        string machine = facts.Model.Length > 0 ? facts.Model : "this machine (no device-tree model)";
        try
        {
            var d = GpioDriverChoice.Decide(requested, chip, facts);
            return $"gpio on {machine}: {d.Driver}{(d.Chip >= 0 ? $" on gpiochip{d.Chip}" : "")} ({d.Why})";
        }
        catch (NotSupportedException e)
        {
            return $"gpio on {machine}: '{requested}' cannot be used: {e.Message}";
        }
    }

    private static Command Wiring()
    {
        var file = ProfileArgument();
        var cmd = new Command("wiring", "Print a profile's wiring as Markdown: config.txt lines, every header pin it uses, converter channels.");
        cmd.Arguments.Add(file);
        cmd.SetAction(parse =>
        {
            var info = parse.GetValue(file)!;
            Console.Write(PiHeaderWiring.Markdown(SpiBoardProfileJson.Load(info.FullName), info.Name));
            return 0;
        });
        return cmd;
    }
}

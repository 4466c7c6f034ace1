using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Runtime.InteropServices;

namespace MortalHil.Hardware.Spi.Gpio;

/// <summary>
/// Which GPIO driver an SPI board opens, chosen explicitly rather than by <c>new GpioController()</c>'s
/// guess (which picks the Pi 3/4 register driver and fails on a Pi 5, and loads libgpiod's v1 API, which
/// Pi OS releases with libgpiod 2.x no longer ship). The profile's <c>gpioDriver</c> or the environment
/// variable <c>MORTALHIL_GPIO_DRIVER</c> names it; "auto" decides from the facts gathered in
/// <see cref="GpioFacts"/>: libgpiod's v2 API if <c>libgpiod.so.3</c> loads, else its v1 API
/// (<c>libgpiod.so.2</c>), else sysfs; on the chip whose label is the header's pin controller
/// (pinctrl-rp1 on a Pi 5, pinctrl-bcm2711 on a Pi 4, pinctrl-bcm2835 before), not chip 0 by habit.
/// </summary>
public static class GpioDriverChoice
{
    public static readonly string[] Names = ["auto", "libgpiod", "libgpiod2", "sysfs", "raspberrypi"];

    /// <summary>The highest GPIO chip number a profile or option may name (-1: find the header's chip).</summary>
    public const int MaxChip = 64;

    /// <summary>The header's GPIO controller labels, newest first.</summary>
    public static readonly string[] HeaderChipLabels = ["pinctrl-rp1", "pinctrl-bcm2711", "pinctrl-bcm2835"];

    /// <summary>What a machine offers, gathered once (see <see cref="GpioFacts.Gather"/>).</summary>
    public sealed record GpioFacts(string Model, bool HasLibgpiodV2, bool HasLibgpiodV1, IReadOnlyList<(int Chip, string Label)> Chips)
    {
        /// <summary>Reads /proc/device-tree/model, probes the libgpiod libraries, lists /sys/bus/gpio's chips and their labels.</summary>
        public static GpioFacts Gather()
        {
            string model = File.Exists("/proc/device-tree/model") ? File.ReadAllText("/proc/device-tree/model").TrimEnd('\0', '\n') : "";
            bool v2 = CanLoad("libgpiod.so.3"), v1 = CanLoad("libgpiod.so.2");
            var chips = new List<(int, string)>();
            try
            {
                var infos = v2 ? LibGpiodV2Driver.GetAvailableChips() : v1 ? LibGpiodDriver.GetAvailableChips() : [];
                chips.AddRange(infos.Select(c => (c.Id, c.Label)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or PlatformNotSupportedException) { }
            return new GpioFacts(model, v2, v1, chips);
        }

        private static bool CanLoad(string library)
        {
            if (!NativeLibrary.TryLoad(library, out var handle)) return false;
            NativeLibrary.Free(handle);
            return true;
        }
    }

    /// <summary>The decision: driver name and chip number (-1 where the driver takes none).</summary>
    public sealed record Decision(string Driver, int Chip, string Why);

    /// <summary>Decides the driver for <paramref name="requested"/> ("auto" or a name) and <paramref name="chip"/> (-1: find it).</summary>
    public static Decision Decide(string requested, int chip, GpioFacts facts)
    {
        bool pi5 = facts.Model.Contains("Raspberry Pi 5", StringComparison.Ordinal);
        int headerChip = chip >= 0 ? chip : FindHeaderChip(facts);
        string driver = requested;
        string why = $"requested '{requested}'";
        if (requested == "auto")
        {
            (driver, why) = facts switch
            {
                { HasLibgpiodV2: true } => ("libgpiod2", "libgpiod.so.3 (libgpiod 2.x, v2 API) is installed"),
                { HasLibgpiodV1: true } => ("libgpiod", "libgpiod.so.2 (libgpiod 1.x, v1 API) is installed"),
                _ => ("sysfs", "no libgpiod library found"),
            };
        }
        if (driver == "raspberrypi" && pi5)
            throw new NotSupportedException("gpioDriver 'raspberrypi' drives BCM283x/BCM2711 registers and does not work on a Raspberry Pi 5; use libgpiod2 (or auto)");
        if (driver is "libgpiod" or "libgpiod2" && headerChip < 0)
            throw new NotSupportedException($"no GPIO chip labelled {string.Join(" or ", HeaderChipLabels)} was found; set gpioChip in the profile");
        return new Decision(driver, driver is "libgpiod" or "libgpiod2" ? headerChip : -1, why);
    }

    /// <summary>Opens the chosen driver.</summary>
    public static GpioDriver Open(Decision d) => d.Driver switch
    {
        "libgpiod2" => new LibGpiodV2Driver(d.Chip),
        "libgpiod" => new LibGpiodDriver(d.Chip),
        "sysfs" => new SysFsDriver(),
        "raspberrypi" => new RaspberryPi3Driver(),
        _ => throw new NotSupportedException($"unknown GPIO driver '{d.Driver}'"),
    };

    private static int FindHeaderChip(GpioFacts facts)
    {
        foreach (var label in HeaderChipLabels)
            foreach (var (chip, l) in facts.Chips)
                if (l == label) return chip;
        return facts.Chips.Count == 1 ? facts.Chips[0].Chip : -1;
    }
}

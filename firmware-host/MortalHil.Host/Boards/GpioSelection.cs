using MortalHil.Host.Cli;

namespace MortalHil.Host.Boards;

/// <summary>
/// The GPIO driver and chip a command asks for with <c>--gpio-driver</c> and <c>--gpio-chip</c> (null: not given).
/// Only <c>spi:</c> boards have GPIO lines; the option wins over <c>$MORTALHIL_GPIO_DRIVER</c>, which wins over
/// the profile's <c>gpioDriver</c>, whose default "auto" detects the driver (Pi 4 and Pi 5 alike, see
/// hardware/README.md and MortalHil.Hardware's GpioDriverChoice).
/// </summary>
public sealed record GpioSelection(string? Driver = null, int? Chip = null)
{
    /// <summary>The environment variable naming a GPIO driver when no option does.</summary>
    public const string DriverVariable = "MORTALHIL_GPIO_DRIVER";

    /// <summary>Nothing asked for: the environment, then the profile decide.</summary>
    public static GpioSelection None { get; } = new();

    /// <summary>True if the command line named a driver or a chip.</summary>
    public bool IsGiven => Driver is not null || Chip is not null;

    /// <summary>The driver to request: the option, else <see cref="DriverVariable"/>, else null (the profile's).</summary>
    public string? EffectiveDriver => Driver ?? NonEmpty(Environment.GetEnvironmentVariable(DriverVariable));

    /// <summary>Refuses a selection for a board scheme without GPIO lines (a typo'd spec should not pass silently).</summary>
    public void RefuseFor(string scheme)
    {
        if (IsGiven)
            throw new CliUsageException($"--gpio-driver and --gpio-chip apply to spi: boards only, not {scheme}:");
    }

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

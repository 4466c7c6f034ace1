using MortalHil.Hardware.Spi;
using MortalHil.Hardware.Spi.DryRun;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Tests.Spi;

/// <summary>
/// The SPI driver's test bench: a profile's wiring on the emulated DAC8568/MCP3208/GPIO chips (the dry run's front
/// end, untraced) over a small crossbar whose cells move by exactly <see cref="Step"/> per pulse, clamped to the
/// profile's nominal window, so a test can predict every conductance.
/// </summary>
internal static class SimulatedFrontEnd
{
    public const double Step = 0.5e-6;

    public static DryRunFrontEnd Create(SpiBoardProfile profile, double[,] conductances) =>
        new(profile, new SpiTrace(null), conductances,
            (g, up) => Math.Clamp(g + (up ? Step : -Step), profile.NominalConductanceMinSiemens, profile.NominalConductanceMaxSiemens));

    /// <summary>The board the real driver makes of this front end.</summary>
    public static SpiBoard OpenBoard(this DryRunFrontEnd front) => new(front.Profile, front.Open, front.Gpio);
}

using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;
using MortalHil.Testing;

namespace MortalHil.Sim.Tests;

/// <summary>The simulator with ideal physics, held to the shared <see cref="IDevice"/> contract.</summary>
public class IdealSimulatedBoardConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice() => SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 8, 6), "conformance-ideal");
    /// <summary>The ideal preset turns the converters' quantisation off.</summary>
    protected override bool OutputsOnAdcGrid => false;
}

/// <summary>The simulator with the built-in ReRAM physics (noise, spread, stuck cells).</summary>
public class ReRamSimulatedBoardConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice() => SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.ReRam, 8, 6), "conformance-reram");
    protected override bool MeasurementIsExact => false;
    /// <summary>Stuck cells and device-to-device spread may leave a single cell unmoved.</summary>
    protected override bool PulsesMoveConductance => false;
}

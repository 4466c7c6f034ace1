using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Tests.Firmware;
using MortalHil.Hardware.Virtual;
using MortalHil.Testing;

namespace MortalHil.Hardware.Tests.Conformance;

/// <summary>The ideal test crossbar itself (exact sums, no converters).</summary>
public class IdealCrossbarFakeConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice() => new IdealCrossbarFake();
    protected override bool OutputsOnAdcGrid => false;
    protected override Action<IDevice>? Kill => d => ((IdealCrossbarFake)d).Dead = true;
}

/// <summary><see cref="SerialBoard"/> over an in-memory link to the virtual board serving the ideal fake.</summary>
public class SerialBoardInMemoryConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice()
    {
        var fixture = new VirtualBoardFixture(new IdealCrossbarFake());
        return new OwnedDevice(fixture.Board, fixture) { Behind = fixture.Device };
    }
    protected override bool OutputsOnAdcGrid => false;
    protected override Action<IDevice>? Kill => d => ((IdealCrossbarFake)((OwnedDevice)d).Behind!).Dead = true;
}

/// <summary><see cref="SerialBoard"/> through System.IO.Ports on a pseudo-terminal served by the virtual board.</summary>
public class SerialBoardPseudoTerminalConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice()
    {
        var pty = PseudoTerminal.Open();
        var fake = new IdealCrossbarFake();
        var stop = new CancellationTokenSource();
        new BoardProtocolServer(fake).ServeAsync(pty.Master, stop.Token);
        var board = SerialBoard.Open(pty.SlavePath, FirmwareOnPseudoTerminalTests.Options);
        return new OwnedDevice(board, new Stopper(stop), pty) { Behind = fake };
    }
    protected override bool OutputsOnAdcGrid => false;
    protected override Action<IDevice>? Kill => d => ((IdealCrossbarFake)((OwnedDevice)d).Behind!).Dead = true;

    private sealed class Stopper(CancellationTokenSource stop) : IDisposable
    {
        public void Dispose() { stop.Cancel(); stop.Dispose(); }
    }
}

/// <summary><c>SpiBoard</c> through its real driver code on the DAC8568/MCP3208/GPIO chip fakes.</summary>
public class SpiBoardConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice()
    {
        var rng = new Random(5);
        var g = new double[8, 4];
        for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) g[i, j] = 5e-6 + rng.NextDouble() * 20e-6;
        return Spi.SimulatedFrontEnd.OpenBoard(Spi.SimulatedFrontEnd.Create(Spi.SpiBoardTests.Example(), g));
    }
    /// <summary>The MCP3208 is unipolar: its codes are not the protocol's symmetric grid.</summary>
    protected override bool OutputsOnAdcGrid => false;
}

/// <summary>The C reference firmware, host build, on a pseudo-terminal.</summary>
public class FirmwareHostConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice()
    {
        var firmware = FirmwareHostProcess.Start();
        return new OwnedDevice(SerialBoard.Open(firmware.PortPath, FirmwareOnPseudoTerminalTests.Options), firmware);
    }
}

/// <summary>The C reference firmware, Cortex-M3 build, on QEMU's MPS2 AN385 board.</summary>
public class EmulatedCortexMConformanceTests : DeviceConformanceTests
{
    protected override IDevice OpenDevice()
    {
        var board = EmulatedCortexMBoard.Start();
        return new OwnedDevice(SerialBoard.Open(board.PortPath, FirmwareOnEmulatedCortexMTests.Options), board);
    }
}

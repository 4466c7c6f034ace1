using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Serial;

/// <summary>The real serial driver (System.IO.Ports) against a virtual board on a Linux pseudo-terminal.</summary>
public class PseudoTerminalEndToEndTests
{
    private static PseudoTerminal OpenPty(string? link = null)
    {
        // A machine without pseudo-terminals fails these tests with the reason; it does not pass them silently.
        Assert.True(OperatingSystem.IsLinux() && File.Exists("/dev/ptmx"), "these tests need Linux pseudo-terminals (/dev/ptmx)");
        return PseudoTerminal.Open(link);
    }

    private static SerialBoardOptions Options => new()
    {
        ResponseTimeout = TimeSpan.FromSeconds(2),
        MaxRetries = 8,
        ReconnectWindow = TimeSpan.FromSeconds(5),
        ReconnectInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task A_read_pulse_measure_session_over_a_real_pty_matches_the_device()
    {
        using var pty = OpenPty();
        var device = new IdealCrossbarFake();
        var reference = new IdealCrossbarFake();
        var server = new BoardProtocolServer(device);
        using var stop = new CancellationTokenSource();
        var serving = server.ServeAsync(pty.Master, stop.Token);
        using (var board = SerialBoard.Open(pty.SlavePath, Options))
        {
            Assert.Equal("FAKE-1", board.Description.SerialNumber);
            var window = new CrossbarWindow(1, 0, 8, 0, 6);
            var x = Enumerable.Range(0, 64 * 8).Select(i => (float)(0.2 * Math.Sin(i))).ToArray();
            var y = new float[64 * 6];
            var yRef = new float[64 * 6];
            var ids = new PulseIdSource(500);
            for (int step = 0; step < 5; step++)
            {
                var counts = Enumerable.Range(0, 48).Select(i => (short)((i * (step + 3)) % 7 - 3)).ToArray();
                var request = new PulseRequest(ids.Next(), 1.5f, 1e-6f);
                Assert.Equal(reference.ApplyCellPulses(request, window, counts).PulsesApplied, board.ApplyCellPulses(request, window, counts).PulsesApplied);
                board.Read(window, x, y);
                reference.Read(window, x, yRef);
                Assert.Equal(yRef, y);
            }
            var g = new float[48];
            board.MeasureConductances(window, g);
            var gRef = new float[48];
            reference.MeasureConductances(window, gRef);
            Assert.Equal(gRef, g);
            var health = board.ReadHealth();
            Assert.Equal(0, health.Link.Retries);
            Assert.Equal(health.Link.FramesSent, health.Link.FramesReceived);
        }
        stop.Cancel();
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Faults_on_a_real_pty_still_give_exactly_once_pulses()
    {
        using var pty = OpenPty();
        var device = new IdealCrossbarFake();
        var server = new BoardProtocolServer(device, new LinkFaults { DropRate = 0.15, CorruptRate = 0.1, DuplicateRate = 0.15, Seed = 8 });
        using var stop = new CancellationTokenSource();
        var serving = server.ServeAsync(pty.Master, stop.Token);
        using (var board = SerialBoard.Open(pty.SlavePath, Options with { ResponseTimeout = TimeSpan.FromMilliseconds(100), MaxRetries = 15 }))
        {
            var window = new CrossbarWindow(0, 0, 2, 0, 2);
            for (ulong id = 1; id <= 20; id++)
                Assert.Equal(4, board.ApplyCellPulses(new PulseRequest(id, 1.5f, 1e-6f), window, [1, -1, 1, -1]).PulsesApplied);
            Assert.True(board.LinkStatistics.Retries > 0);
        }
        Assert.Equal(20, device.PulseApplications);
        stop.Cancel();
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_serial_board_reconnects_when_the_pty_vanishes_and_a_new_one_appears_at_the_same_path()
    {
        var link = Path.Combine(Path.GetTempPath(), $"mortalhil-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var first = OpenPty(link);
        var device = new IdealCrossbarFake();
        var server = new BoardProtocolServer(device); // the board's memory outlives the line
        using var stop = new CancellationTokenSource();
        var serving = server.ServeAsync(first.Master, stop.Token);
        using var board = SerialBoard.Open(link, Options);
        var window = new CrossbarWindow(0, 0, 1, 0, 2);
        board.ApplyCellPulses(new PulseRequest(1, 1.5f, 1e-6f), window, [1, 1]);

        first.Dispose(); // the port disappears
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
        PseudoTerminal? second = null;
        var comesBack = Task.Run(async () =>
        {
            await Task.Delay(400);
            second = PseudoTerminal.Open(link);
            await server.ServeAsync(second.Master, stop.Token);
        });
        var receipt = board.ApplyCellPulses(new PulseRequest(2, 1.5f, 1e-6f), window, [2, 2]);
        Assert.Equal(4, receipt.PulsesApplied);
        Assert.Equal(1, board.LinkStatistics.Reconnects);
        Assert.Equal(2, device.PulseApplications);
        board.Dispose();
        stop.Cancel();
        await comesBack.WaitAsync(TimeSpan.FromSeconds(5));
        second?.Dispose();
        Assert.False(File.Exists(link));
    }
}

using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>The host's serial driver against the C reference firmware (host build) on a pseudo-terminal.</summary>
public class FirmwareOnPseudoTerminalTests
{
    internal static SerialBoardOptions Options => new()
    {
        ResponseTimeout = TimeSpan.FromSeconds(2),
        MaxRetries = 5,
        ReconnectWindow = TimeSpan.FromSeconds(3),
        ReconnectInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public void The_firmware_describes_itself_reads_pulses_once_and_measures()
    {
        using var firmware = FirmwareHostProcess.Start(serial: "FW-TEST-7");
        using (var board = SerialBoard.Open(firmware.PortPath, Options))
        {
            var d = board.Description;
            Assert.Equal("FW-TEST-7", d.SerialNumber);
            Assert.Equal("firmware/mh-ref-1", d.Kind);
            var w = CrossbarWindow.Whole(1, d.Geometry);
            var before = new float[w.CellCount];
            board.MeasureConductances(w, before);
            var counts = Enumerable.Range(0, w.CellCount).Select(i => (short)(i % 2 == 0 ? 3 : 0)).ToArray();
            var request = new PulseRequest(77, 1.5f, 1e-6f);
            var receipt = board.ApplyCellPulses(request, w, counts);
            Assert.Equal(3L * (w.CellCount / 2), receipt.PulsesApplied);
            Assert.True(board.ApplyCellPulses(request, w, counts).Duplicate);
            var after = new float[w.CellCount];
            board.MeasureConductances(w, after);
            for (int i = 0; i < w.CellCount; i++)
                if (counts[i] > 0) Assert.True(after[i] > before[i]); else Assert.Equal(before[i], after[i]);
            var health = board.ReadHealth();
            Assert.Equal(receipt.PulsesApplied, health.TotalPulses);
            Assert.Equal(3, health.MaxCellPulses);
            Assert.Equal(1u, board.BoardLinkCounters.DuplicatePulses);
        }
        Assert.Equal(0, firmware.Stop());
        Assert.Contains("frames received", firmware.StandardError);
    }

    [Fact]
    public void Through_a_line_that_drops_corrupts_and_duplicates_frames_every_pulse_is_applied_exactly_once()
    {
        using var firmware = FirmwareHostProcess.Start();
        var link = new MortalHil.Hardware.Virtual.InMemoryLink();
        using var relay = new FaultyRelay(link, new SerialPortConnector(firmware.PortPath).Connect(), drop: 0.1, corrupt: 0.1, duplicate: 0.1, seed: 11);
        using (var board = new SerialBoard(link, Options with { ResponseTimeout = TimeSpan.FromMilliseconds(250), MaxRetries = 15 }))
        {
            var w = new CrossbarWindow(0, 3, 2, 1, 2);
            long sent = 0;
            for (ulong id = 1; id <= 30; id++)
            {
                var receipt = board.ApplyCellPulses(new PulseRequest(id, 1.5f, 1e-6f), w, [1, -1, 2, -2]);
                Assert.Equal(6, receipt.PulsesApplied);
                Assert.False(receipt.Duplicate);
                sent += receipt.PulsesApplied;
            }
            var health = board.ReadHealth();
            Assert.Equal(sent, health.TotalPulses); // the board's own count: nothing applied twice, nothing lost
            Assert.True(board.LinkStatistics.Retries > 0);
            var c = board.BoardLinkCounters;
            Assert.True(c.Replays + c.BadFrames > 0, "the faults reached the firmware's memories and checks");
        }
        Assert.True(relay.FaultsInjected > 0);
    }
}

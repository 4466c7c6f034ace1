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
}

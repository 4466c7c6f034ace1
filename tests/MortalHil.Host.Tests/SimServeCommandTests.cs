using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;

namespace MortalHil.Host.Tests;

/// <summary><c>mortalhil sim serve --pty</c> as a user runs it: a separate process, its first line the port.</summary>
public class SimServeCommandTests
{
    [Fact]
    public void The_first_line_is_a_pty_the_serial_board_drives_and_closing_stdin_stops_the_server()
    {
        using var server = ServedSim.Start("sim:ideal:7");
        string port = server.Port;
        Assert.StartsWith("/dev/pts/", port);
        using (var board = SerialBoard.Open(port))
        {
            Assert.Equal("7", board.Description.SerialNumber);
            var d = board.Description;
            var window = new CrossbarWindow(0, 0, 4, 0, 3);
            var x = new float[] { 0.1f, 0.1f, 0.1f, 0.1f };
            var before = new float[3];
            board.Read(window, x, before);
            var receipt = board.ApplyCellPulses(new PulseRequest(new PulseIdSource().Next(), d.Capabilities.NominalPulseVoltage.Volts is var v ? (float)v : 1, (float)d.Capabilities.NominalPulseWidth.Seconds),
                window, Enumerable.Repeat((short)5, 12).ToArray());
            Assert.Equal(60, receipt.PulsesApplied);
            var after = new float[3];
            board.Read(window, x, after);
            Assert.True(after.Sum() > before.Sum(), "potentiating pulses raise the column currents");
            var g = new float[12];
            board.MeasureConductances(window, g);
            Assert.All(g, s => Assert.InRange(s, d.GMinSiemens * 0.5f, d.GMaxSiemens * 1.5f));
            Assert.Equal(60, board.ReadHealth().TotalPulses);
        }
        Assert.Equal(0, server.Stop());
    }

    [Fact]
    public void Bad_fault_rates_are_a_one_line_usage_error()
    {
        var err = new StringWriter();
        int code = Cli.CliRunner.Run(Program.BuildRoot(), ["sim", "serve", "--board", "sim:ideal:1", "--pty", "--drop", "1.5"], err);
        Assert.Equal(Cli.CliRunner.UsageError, code);
        Assert.StartsWith("error: --drop must be in [0, 1] (got 1.5)", err.ToString());
    }
}

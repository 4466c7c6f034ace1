using System.Text.Json.Nodes;
using MortalHil.Hardware.Serial;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests;

/// <summary>
/// The user's commands against the C reference firmware (its host build, serving on a pseudo-terminal) as they
/// would run against a board on a USB serial port: <c>mortalhil characterize --board serial:PTY</c> finds the
/// firmware's crossbar model as hardware/firmware/hal/crossbar_model.c defines it, and a short
/// <c>mortalhil train --board serial:PTY</c> programs and trains on it with every pulse the host counted
/// counted by the firmware too.
/// </summary>
public class FirmwareCommandsEndToEndTests
{
    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return (code, err.ToString());
    }

    private static string TempDir(string what)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-fw-{what}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void Characterize_over_serial_finds_the_firmware_model_window_step_and_no_stuck_cells()
    {
        var dir = TempDir("characterize");
        try
        {
            using var firmware = FirmwareHostProcess.Start(serial: "FW-CHAR-1");
            var (code, err) = Run("characterize", "--board", $"serial:{firmware.PortPath}", "--out", dir);
            Assert.True(code == 0, $"characterize: exit {code}: {err}");
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "characterize.json")))!.AsObject();
            Assert.Equal("firmware/mh-ref-1", report["kind"]!.GetValue<string>());
            Assert.Equal("FW-CHAR-1", report["serial_number"]!.GetValue<string>());
            Assert.Equal((2, 16, 8), (report["tiles"]!.GetValue<int>(), report["rows"]!.GetValue<int>(), report["cols"]!.GetValue<int>()));
            // crossbar_model.c: window 1..100 uS, each pulse 1/200 of it, no stuck cells, exact reads.
            Assert.Equal(1e-6, report["conductance_min"]!.GetValue<double>(), 1e-6 * 0.01);
            Assert.Equal(100e-6, report["conductance_max"]!.GetValue<double>(), 100e-6 * 0.01);
            Assert.Equal(200, report["steps_estimate"]!.GetValue<double>(), 2.0);
            Assert.Equal(0, report["stuck_cells"]!.GetValue<int>());
            Assert.Equal(0, report["read_noise_rel"]!.GetValue<double>());
            Assert.InRange(report["asymmetry_estimate"]!.GetValue<double>(), -0.01, 0.01);
            foreach (var plot in new[] { "conductance-map.png", "pulse-response.png" })
                Assert.True(new FileInfo(Path.Combine(dir, plot)).Length > 1000, plot);
            Assert.Equal(0, firmware.Stop());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_short_train_over_serial_programs_and_trains_the_firmware_and_both_count_the_same_pulses()
    {
        var dir = TempDir("train");
        try
        {
            // The default 2 x 16 x 8 model is too small for a 49-16-10 network; the same firmware with 2 x 64 x 32.
            var executable = FirmwareBuild.HostExecutableOfSize(2, 64, 32);
            using var firmware = FirmwareHostProcess.Start(serial: "FW-TRAIN-1", executable);
            var data = StripeImages.Write(Path.Combine(dir, "data"), train: 100);
            var (code, err) = Run("train", "--board", $"serial:{firmware.PortPath}", "--algo", "np", "--update", "outer",
                "--dataset", $"idx:{data}", "--downsample", "4", "--shape", "49-16-10", "--epochs", "1", "--train-limit", "100",
                "--test-limit", "100", "--evals-per-epoch", "1", "--out", Path.Combine(dir, "out"), "--db", Path.Combine(dir, "runs.db"));
            Assert.True(code == 0, $"train: exit {code}: {err}");
            var run = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "out", "train.json")))!.AsObject();
            Assert.Equal("firmware/mh-ref-1", run["board_kind"]!.GetValue<string>());
            Assert.Equal("FW-TRAIN-1", run["board_serial"]!.GetValue<string>());
            long mapping = run["programming_pulses"]!.GetValue<long>(), training = run["pulses"]!.GetValue<long>();
            Assert.True(mapping > 0, "the weights were programmed onto the firmware's array");
            Assert.True(training > 0, "training applied pulses");
            Assert.InRange(run["test_accuracy"]!.GetValue<double>(), 0, 1);

            // The firmware counted every pulse the host says it applied, and the same worst cell.
            using (var board = SerialBoard.Open(firmware.PortPath))
            {
                var health = board.ReadHealth();
                Assert.Equal(mapping + training, health.TotalPulses);
                Assert.Equal(run["max_pulses_per_cell"]!.GetValue<long>(), health.MaxCellPulses);
            }
            Assert.Equal(0, firmware.Stop());
        }
        finally { Directory.Delete(dir, true); }
    }
}

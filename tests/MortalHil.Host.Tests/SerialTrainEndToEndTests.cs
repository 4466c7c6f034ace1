using System.Text.Json.Nodes;
using MortalHil.Host.Cli;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests;

/// <summary>
/// <c>mortalhil train --board serial:/dev/pts/N</c> against <c>mortalhil sim serve --pty</c>: every read
/// and pulse crosses the real serial driver, and because each call reaches the simulated board
/// unchanged, the run is bit for bit the run on <c>sim:</c> directly (only timings differ).
/// </summary>
public class SerialTrainEndToEndTests
{
    [Fact]
    public void A_short_training_run_over_a_served_pty_is_identical_to_the_run_on_the_simulator()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-train-e2e-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var preset = Path.Combine(dir, "reram-256.json");
        DevicePresetJson.Save(BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 2, Rows = 256, Columns = 128 } }, preset);
        var data = StripeImages.Write(Path.Combine(dir, "data"));
        try
        {
            using var server = ServedSim.Start($"sim:{preset}:42");
            string port = server.Port;
            var viaSerial = Train($"serial:{port}", data, Path.Combine(dir, "serial"), Path.Combine(dir, "runs.db"));
            var direct = Train($"sim:{preset}:42", data, Path.Combine(dir, "direct"), Path.Combine(dir, "runs.db"));
            foreach (var run in new[] { viaSerial, direct })
            {
                foreach (var key in new[] { "run_id", "board", "wall_seconds", "checksum" }) run.Remove(key);
                foreach (var point in run["curve"]!.AsArray()) point!.AsObject().Remove("wall_seconds");
            }
            // The board's operation costs cross the wire (DESCRIBE_COSTS): energies and their source are the same too.
            Assert.NotNull(viaSerial["per_inference"]!["energy_joules"]);
            Assert.NotNull(viaSerial["cost_source"]);
            Assert.True(viaSerial["programming_pulses"]!.GetValue<long>() > 0);
            Assert.Equal(direct.ToJsonString(), viaSerial.ToJsonString());
            server.Stop();
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static JsonObject Train(string board, string data, string output, string db)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), ["train", "--board", board, "--algo", "np", "--dataset", $"idx:{data}", "--out", output,
            "--downsample", "2", "--shape", "196-16-10", "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--evals-per-epoch", "1", "--db", db], err);
        Assert.True(code == 0, $"train --board {board}: exit {code}: {err}");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "train.json")))!.AsObject();
    }
}

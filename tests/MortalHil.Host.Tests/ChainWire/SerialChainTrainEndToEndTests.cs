using System.Text.Json.Nodes;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests.ChainWire;

/// <summary>
/// <c>mortalhil train --board serial:PTY --algo np</c> against <c>mortalhil sim serve --pty</c> serving a (small)
/// <c>reram-mortal</c> board: the chain reads with injection and taps, the latched updates and the costs all cross
/// the real serial driver, and since each call reaches the simulated board unchanged, the run is the run on
/// <c>sim:</c> directly (only timings differ). Neither run states the chain defaults (16 directions, sigma 0.2): the
/// serial board's description says it has a chain, as the sim: preset does.
/// </summary>
public class SerialChainTrainEndToEndTests
{
    [Fact]
    public void Node_perturbation_on_a_served_mortal_board_is_the_run_on_the_simulator()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-chain-train-{Guid.NewGuid():N}");
        try
        {
            var preset = ChainWireBoards.WritePreset(dir);
            var data = StripeImages.Write(Path.Combine(dir, "data"));
            using var server = ServedSim.Start($"sim:{preset}:42");
            var viaSerial = Train($"serial:{server.Port}", data, Path.Combine(dir, "serial"), Path.Combine(dir, "runs.db"));
            var direct = Train($"sim:{preset}:42", data, Path.Combine(dir, "direct"), Path.Combine(dir, "runs.db"));
            foreach (var run in new[] { viaSerial, direct })
            {
                foreach (var key in new[] { "run_id", "board", "wall_seconds", "checksum" }) run.Remove(key);
                foreach (var point in run["curve"]!.AsArray()) point!.AsObject().Remove("wall_seconds");
            }
            Assert.True(viaSerial["programming_pulses"]!.GetValue<long>() > 0);
            Assert.NotNull(viaSerial["per_training_step"]!["energy_joules"]); // the costs came over the wire
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
            "--downsample", "2", "--shape", $"{ChainWireBoards.InputCount}-{ChainWireBoards.Hidden}-{ChainWireBoards.Classes}", "--epochs", "1",
            "--train-limit", "64", "--test-limit", "32", "--evals-per-epoch", "1", "--db", db], err);
        Assert.True(code == 0, $"train --board {board}: exit {code}: {err}");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(output, "train.json")))!.AsObject();
    }
}

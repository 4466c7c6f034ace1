using System.Text.Json.Nodes;
using MortalHil.Host;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests;

public class StressCommandTests
{
    private static readonly string Scenarios = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../sim/scenarios"));

    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return (code, err.ToString());
    }

    private static JsonNode Example() => JsonNode.Parse(File.ReadAllText(Path.Combine(Scenarios, "every-fault-small.json")),
        documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;

    [Fact]
    public void A_bad_scenario_file_is_one_line_naming_the_field_and_exit_code_2()
    {
        var node = Example();
        node["fleet"]!["size"] = 0;
        var dir = Directory.CreateTempSubdirectory("mortalhil-stress-cli-");
        try
        {
            string file = Path.Combine(dir.FullName, "bad.json");
            File.WriteAllText(file, node.ToJsonString());
            var (code, err) = Run("stress", file, "--out", Path.Combine(dir.FullName, "out"));
            Assert.Equal(CliRunner.UsageError, code);
            Assert.Single(err.TrimEnd().Split('\n'));
            Assert.StartsWith("error: ", err);
            Assert.Contains("scenario field 'fleet.size' must be >= 1 (got 0)", err);
            Assert.False(File.Exists(Path.Combine(dir.FullName, "out", "stress.json")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_missing_scenario_file_is_exit_code_2()
    {
        var (code, err) = Run("stress", "/nonexistent/scenario.json", "--out", Path.GetTempPath());
        Assert.Equal(CliRunner.UsageError, code);
        Assert.StartsWith("error: ", err);
    }

    [Fact]
    public void A_small_run_writes_stress_json_with_the_journal_check_and_plots()
    {
        var dir = Directory.CreateTempSubdirectory("mortalhil-stress-cli-");
        try
        {
            var node = Example();
            node["duration"] = new JsonObject { ["years"] = 3, ["max_generations"] = 2 };
            string file = Path.Combine(dir.FullName, "short.json");
            File.WriteAllText(file, node.ToJsonString());
            var (code, err) = Run("stress", file, "--out", dir.FullName, "--boards", "1", "--seed", "3");
            Assert.True(code == 0, err);
            var report = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.FullName, "stress.json")))!;
            Assert.Equal(0, (long)report["journaled_outputs_lost"]!);
            Assert.Equal(1, (int)report["scenario"]!["fleet_size"]!);
            Assert.NotNull(report["metrics"]!["total"]!["service_availability"]);
            foreach (var png in new[] { "availability.png", "generations.png", "handovers.png", "handover_cost.png" })
                Assert.True(new FileInfo(Path.Combine(dir.FullName, png)).Length > 1000, png);
            Assert.False(Directory.Exists(Path.Combine(dir.FullName, "journals")));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

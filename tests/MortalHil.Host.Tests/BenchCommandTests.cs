using System.Text.Json;
using MortalHil.Host;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests;

public class BenchCommandTests
{
    [Fact]
    public void Bench_forward_writes_gflops_and_a_ratio_or_says_why_not()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mh-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var err = new StringWriter();
            int code = CliRunner.Run(Program.BuildRoot(), ["bench", "forward", "--out", dir, "--runs", "3"], err);
            Assert.True(code == 0, err.ToString());
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "bench-forward.json")));
            var root = json.RootElement;
            Assert.True(root.GetProperty("analog_gflops").GetDouble() > 0);
            if (root.GetProperty("sgemm_library").ValueKind == JsonValueKind.Null)
                Assert.Contains("not found", root.GetProperty("note").GetString());
            else
                Assert.True(root.GetProperty("ratio").GetDouble() > 0);
            // The shapes trainers use are timed too, each against sgemm of its own shape.
            var shapes = root.GetProperty("shapes").EnumerateArray().ToArray();
            Assert.Equal(["main", "batch32", "narrow", "narrow_batch32"], shapes.Select(x => x.GetProperty("name").GetString()));
            Assert.All(shapes, x => Assert.True(x.GetProperty("analog_gflops").GetDouble() > 0));
            Assert.Equal(20, shapes[2].GetProperty("cols").GetInt32());
            Assert.Equal(32, shapes[3].GetProperty("batch").GetInt32());
            Assert.True(root.GetProperty("pulse_then_read").GetProperty("pulse_seconds_median").GetDouble() > 0);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void Bench_forward_refuses_a_silly_run_count()
        => Assert.Equal(CliRunner.UsageError, CliRunner.Run(Program.BuildRoot(), ["bench", "forward", "--out", Path.GetTempPath(), "--runs", "1"], new StringWriter()));
}

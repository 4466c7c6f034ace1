using System.Text.Json;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests;

public class BenchLinkCommandTests
{
    [Fact]
    public void Bench_link_writes_latency_percentiles_and_throughput_measured_over_a_pty()
    {
        PseudoTerminals.Require();
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-bench-{Guid.NewGuid():N}");
        try
        {
            var err = new StringWriter();
            int code = CliRunner.Run(Program.BuildRoot(), ["bench", "link", "--out", dir, "--board", "sim:ideal:3", "--rows", "16", "--columns", "8",
                "--batch", "32", "--round-trips", "40", "--seconds", "0.3"], err);
            Assert.True(code == 0, err.ToString());
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "bench-link.json")));
            var root = json.RootElement;
            var echo = root.GetProperty("echoLatencyMicroseconds");
            Assert.Equal(40, echo.GetProperty("count").GetInt32());
            double p50 = echo.GetProperty("p50").GetDouble(), p90 = echo.GetProperty("p90").GetDouble(), p99 = echo.GetProperty("p99").GetDouble();
            Assert.True(p50 > 0 && p50 <= p90 && p90 <= p99);
            Assert.True(root.GetProperty("throughput").GetProperty("vectorsPerSecond").GetDouble() > 0);
            Assert.Equal(0, root.GetProperty("link").GetProperty("crcErrors").GetInt64());
            Assert.False(File.Exists(Path.Combine(dir, "bench-link.json.tmp")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_batch_above_the_boards_limit_is_a_usage_error()
    {
        PseudoTerminals.Require();
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), ["bench", "link", "--out", Path.GetTempPath(), "--board", "sim:ideal:3", "--batch", "100000000"], err);
        Assert.Equal(CliRunner.UsageError, code);
        Assert.StartsWith("error: --batch", err.ToString());
    }
}

using System.Text.Json;
using MortalHil.Host;
using MortalHil.Host.Cli;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests;

public class CharacterizeCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"mh-char-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public CharacterizeCommandTests() => Directory.CreateDirectory(_dir);
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return (code, err.ToString());
    }

    private string SmallPresetFile(DevicePreset basis)
    {
        string path = Path.Combine(_dir, "small.json");
        DevicePresetJson.Save(basis with { Geometry = new GeometrySpec { Tiles = 1, Rows = 40, Columns = 24 } }, path);
        return path;
    }

    [Fact]
    public void Characterize_writes_the_report_and_both_plots()
    {
        string outDir = Path.Combine(_dir, "out");
        var (code, err) = Run("characterize", "--board", $"sim:{SmallPresetFile(BuiltInPresets.ReRam)}:7", "--out", outDir);
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "characterize.json")));
        var root = json.RootElement;
        Assert.Equal(40, root.GetProperty("rows").GetInt32());
        Assert.Equal(24, root.GetProperty("cols").GetInt32());
        foreach (var field in new[] { "stuck_cells", "read_noise_rel", "conductance_min", "conductance_max", "asymmetry_estimate", "steps_estimate" })
            Assert.True(root.TryGetProperty(field, out _), field);
        Assert.True(root.GetProperty("conductance_max").GetDouble() > root.GetProperty("conductance_min").GetDouble());
        foreach (var png in new[] { "conductance-map.png", "pulse-response.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(outDir, png));
            Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', png);
        }
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*"));
    }

    [Theory]
    [InlineData("sim:nosuchpreset:1", "unknown preset")]
    [InlineData("sim:reram", "serial")]
    [InlineData("warp:9", "unknown board scheme")]
    [InlineData("simfile:/nonexistent/board.simboard", "board.simboard")]
    public void A_bad_board_spec_is_one_line_and_exit_code_2(string spec, string expected)
    {
        var (code, err) = Run("characterize", "--board", spec, "--out", Path.Combine(_dir, "never"));
        Assert.Equal(CliRunner.UsageError, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.Contains(expected, err);
        Assert.False(Directory.Exists(Path.Combine(_dir, "never")));
    }

    [Fact]
    public void A_bad_preset_file_names_the_field()
    {
        string path = SmallPresetFile(BuiltInPresets.ReRam);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"dw_min\": 0.00135", "\"dw_min\": -1"));
        var (code, err) = Run("characterize", "--board", $"sim:{path}:1", "--out", Path.Combine(_dir, "never"));
        Assert.Equal(CliRunner.UsageError, code);
        Assert.Contains("preset field 'pulse.dw_min' must be > 0 (got -1)", err);
    }

    [Fact]
    public void Characterize_without_required_options_is_a_usage_error()
        => Assert.Equal(CliRunner.UsageError, Run("characterize", "--board", "sim:ideal:1").Code);
}

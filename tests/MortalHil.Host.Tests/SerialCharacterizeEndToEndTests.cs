using System.Text.Json;
using MortalHil.Host.Cli;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests;

/// <summary>
/// <c>mortalhil characterize --board serial:/dev/pts/N</c> against <c>mortalhil sim serve --pty</c> of a
/// simulated ReRAM board: the whole command runs over the real serial driver and gives what it
/// gives on <c>sim:</c> directly. The board is the reram preset on a small tile, so the test is quick.
/// </summary>
public class SerialCharacterizeEndToEndTests
{
    [Fact]
    public void Characterize_over_a_served_pty_matches_characterize_on_the_simulator()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mortalhil-e2e-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var preset = Path.Combine(dir, "reram-small.json");
        DevicePresetJson.Save(BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 1, Rows = 64, Columns = 32 } }, preset);
        try
        {
            using var server = ServedSim.Start($"sim:{preset}:42");
            string port = server.Port;

            var viaSerial = Characterize($"serial:{port}", Path.Combine(dir, "serial"));
            var direct = Characterize($"sim:{preset}:42", Path.Combine(dir, "direct"));

            Assert.Equal(direct.GetProperty("serial_number").GetString(), viaSerial.GetProperty("serial_number").GetString());
            Assert.Equal(direct.GetProperty("kind").GetString(), viaSerial.GetProperty("kind").GetString());
            Assert.Equal(64, viaSerial.GetProperty("rows").GetInt32());
            Assert.Equal(32, viaSerial.GetProperty("cols").GetInt32());
            // Same board, so the same stuck cells; noise draws differ with how reads are framed.
            Assert.InRange(viaSerial.GetProperty("stuck_cells").GetInt32(), direct.GetProperty("stuck_cells").GetInt32() - 3, direct.GetProperty("stuck_cells").GetInt32() + 3);
            double nd = direct.GetProperty("read_noise_rel").GetDouble(), ns = viaSerial.GetProperty("read_noise_rel").GetDouble();
            Assert.InRange(ns, nd * 0.5, nd * 2);
            Assert.True(File.Exists(Path.Combine(dir, "serial", "conductance-map.png")));

            Assert.Equal(0, server.Stop());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static JsonElement Characterize(string board, string output)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), ["characterize", "--board", board, "--out", output], err);
        Assert.True(code == 0, $"characterize --board {board}: exit {code}: {err}");
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "characterize.json"))).RootElement.Clone();
    }
}

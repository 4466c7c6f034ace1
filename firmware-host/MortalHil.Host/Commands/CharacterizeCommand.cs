using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using MortalHil.Core.Characterization;
using MortalHil.Host.Boards;
using MortalHil.Host.Plots;
using MortalHil.Host.Cli;
using Spectre.Console;

using MortalHil.Host.Options;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil characterize --board SPEC --out DIR</c>: measures a board through the device contract
/// only and writes characterize.json, conductance-map.png and pulse-response.png into DIR.
/// </summary>
public static class CharacterizeCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    public static Command Create()
    {
        var board = SharedOptions.Board("Board spec, e.g. sim:reram:42 (see 'mortalhil boards')");
        var output = SharedOptions.OutDir("Output folder (created if missing)");
        var cmd = new Command("characterize", "Measure a board as a user with a new board would: window, stuck cells, noise, pulse response.");
        cmd.Options.Add(board);
        cmd.Options.Add(output);
        cmd.SetAction(parse => Run(parse.GetValue(board)!, parse.GetValue(output)!));
        return cmd;
    }

    public static int Run(string boardSpec, string outDir, bool showProgress = true)
    {
        // A bad board spec is refused before anything is created; the output folder is checked before the board is measured.
        using var device = BoardOpener.Open(boardSpec);
        outDir = Core.Files.OutputLocation.PrepareDirectory(outDir, "--out");
        var started = DateTime.UtcNow;
        var report = showProgress
            ? LiveProgress.Run("characterize", bar => new BoardCharacterizer(device, progress: p => bar.Report(p.Fraction, 1.0, p.Stage)).Run())
            : new BoardCharacterizer(device).Run();

        var node = JsonSerializer.SerializeToNode(report, Json)!.AsObject();
        node.Insert(0, "board", boardSpec);
        node.Insert(1, "seconds", Math.Round((DateTime.UtcNow - started).TotalSeconds, 2));
        node.Add("units", JsonNode.Parse("""{"conductance": "S", "current": "A", "noise_rel": "std / mean"}"""));
        string jsonPath = Path.Combine(outDir, "characterize.json");
        Core.Files.AtomicFile.WriteAllText(jsonPath, node.ToJsonString(Json));
        CharacterizationPlots.ConductanceMap(report, Path.Combine(outDir, "conductance-map.png"));
        CharacterizationPlots.PulseResponse(report, Path.Combine(outDir, "pulse-response.png"));

        Console.WriteLine($"{report.Kind} {report.SerialNumber}: {report.Tiles} x {report.Rows}x{report.Cols}, " +
                          $"{report.StuckCells} stuck ({report.StuckFraction:P2}), window {report.ConductanceMin * 1e6:F2}..{report.ConductanceMax * 1e6:F2} uS, " +
                          $"read noise {report.ReadNoiseRel:P2}, asymmetry {report.AsymmetryEstimate:F3}, ~{report.StepsEstimate:F0} steps");
        Console.WriteLine($"wrote {jsonPath}, conductance-map.png, pulse-response.png");
        return 0;
    }
}

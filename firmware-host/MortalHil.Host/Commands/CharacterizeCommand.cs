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
        var fitPreset = new Option<FileInfo?>("--fit-preset") { Description = "Also fit a simulator preset to what was measured and write it to this .json file (use it as --board sim:FILE.json:SERIAL)" };
        var fitBase = new Option<string>("--fit-base") { Description = "Preset whose fields a characterization cannot measure (drift, endurance, ageing, ...) the fitted preset keeps: ideal, reram, pcm, ecram or a .json file", DefaultValueFactory = _ => "ideal" };
        var cmd = new Command("characterize", "Measure a board as a user with a new board would: window, stuck cells, noise, pulse response; optionally fit a simulator preset to it.");
        cmd.Options.Add(board);
        cmd.Options.Add(output);
        cmd.Options.Add(fitPreset);
        cmd.Options.Add(fitBase);
        var gpio = SharedOptions.AddGpio(cmd, board);
        cmd.SetAction(parse => Run(parse.GetValue(board)!, parse.GetValue(output)!, fitPresetPath: parse.GetValue(fitPreset)?.FullName, fitBase: parse.GetValue(fitBase)!, gpio: gpio(parse)));
        return cmd;
    }

    public static int Run(string boardSpec, string outDir, bool showProgress = true, string? fitPresetPath = null, string fitBase = "ideal", GpioSelection? gpio = null)
    {
        // A bad board spec is refused before anything is created; the output folder is checked before the board is measured.
        var basePreset = fitPresetPath is null ? null : PresetFitCommand.ResolveBase(fitBase);
        if (fitPresetPath is not null) PresetFitCommand.CheckWritable(fitPresetPath);
        using var device = BoardOpener.Open(boardSpec, gpio);
        outDir = Core.Files.OutputLocation.PrepareDirectory(outDir, "--out");
        var started = DateTime.UtcNow;
        // A fit wants a larger swept sample (steadier statistics); the same options then characterize its simulated boards.
        var options = fitPresetPath is null ? new CharacterizationOptions() : MortalHil.Sim.Presets.PresetFitOptions.ForFitting;
        var report = showProgress
            ? LiveProgress.Run("characterize", bar => new BoardCharacterizer(device, options, p => bar.Report(p.Fraction, 1.0, p.Stage)).Run())
            : new BoardCharacterizer(device, options).Run();

        var node = JsonSerializer.SerializeToNode(report, Json)!.AsObject();
        node.Insert(0, "board", boardSpec);
        node.Insert(1, "seconds", Math.Round((DateTime.UtcNow - started).TotalSeconds, 2));
        node.Add("units", JsonNode.Parse("""{"conductance": "S", "current": "A", "noise_rel": "std / mean"}"""));
        string jsonPath = Path.Combine(outDir, "characterize.json");
        Core.Files.StampedJson.Write(jsonPath, node.ToJsonString(Json), "characterize", 1);
        CharacterizationPlots.ConductanceMap(report, Path.Combine(outDir, "conductance-map.png"));
        CharacterizationPlots.PulseResponse(report, Path.Combine(outDir, "pulse-response.png"));

        Console.WriteLine($"{report.Kind} {report.SerialNumber}: {report.Tiles} x {report.Rows}x{report.Cols}, " +
                          $"{report.StuckCells} stuck ({report.StuckFraction:P2}), window {report.ConductanceMin * 1e6:F2}..{report.ConductanceMax * 1e6:F2} uS, " +
                          $"read noise {report.ReadNoiseRel:P2}, asymmetry {report.AsymmetryEstimate:F3}, ~{report.StepsEstimate:F0} steps");
        Console.WriteLine($"wrote {jsonPath}, conductance-map.png, pulse-response.png");
        if (fitPresetPath is not null) PresetFitCommand.FitAndWrite(report, device.Description, basePreset!, fitPresetPath, showProgress);
        return 0;
    }
}

using MortalHil.Core.Characterization;
using MortalHil.Core.Devices;
using MortalHil.Host.Cli;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands;

/// <summary>The <c>--fit-preset</c> part of <c>characterize</c>: resolves the base preset, fits, writes the preset atomically and prints the fitted fields.</summary>
internal static class PresetFitCommand
{
    public static DevicePreset ResolveBase(string name)
        => BuiltInPresets.Find(name) ?? (File.Exists(name) ? DevicePresetJson.Load(name)
            : throw new CliUsageException($"--fit-base '{name}' is neither a built-in preset ({string.Join(", ", BuiltInPresets.Names)}) nor a preset file"));

    public static void CheckWritable(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir)) throw new CliUsageException($"--fit-preset {path}: folder {dir} does not exist");
        if (Directory.Exists(path)) throw new CliUsageException($"--fit-preset {path} is a folder");
    }

    public static void FitAndWrite(CharacterizationReport report, DeviceDescription description, DevicePreset basePreset, string path, bool showProgress)
    {
        var fit = showProgress
            ? LiveProgress.Run("fitting a preset", bar => { bar.Report(0, 1, "simulated moments"); return PresetFitter.Fit(report, description, basePreset); })
            : PresetFitter.Fit(report, description, basePreset);
        DevicePresetJson.Save(fit.Preset, path); // atomic: temporary file, then rename
        foreach (var f in fit.Fitted) Console.WriteLine($"  {f.Field,-32} {f.Value,12:G4}   (matched to {f.Statistic})");
        Console.WriteLine($"wrote {path} (fitted preset '{fit.Preset.Name}', other fields from '{basePreset.Name}'); use it as --board sim:{path}:SERIAL");
    }
}

using MortalHil.Core.Devices;
using MortalHil.Host.Cli;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Boards;

/// <summary>
/// The simulator's board specs: <c>sim:PRESET:SERIAL</c> where PRESET is a built-in preset name or a
/// preset .json file, and <c>simfile:FILE</c> for a board saved with <see cref="SimulatedBoard.Save(string)"/>.
/// </summary>
public static class SimBoardSpec
{
    public const string SimUsage = "sim:<preset>:<serial>  (preset: ideal, reram, pcm, ecram, or a preset .json file)";
    public const string SimFileUsage = "simfile:<file>  (a saved simulated board)";

    /// <summary>Opens <c>PRESET:SERIAL</c> (the text after <c>sim:</c>).</summary>
    public static IDevice OpenSim(string args)
    {
        int colon = args.LastIndexOf(':');
        if (colon <= 0 || colon == args.Length - 1)
            throw new CliUsageException($"board spec 'sim:{args}' needs a preset and a serial number: {SimUsage}");
        string presetText = args[..colon], serial = args[(colon + 1)..];
        var preset = BuiltInPresets.Find(presetText);
        if (preset is null)
        {
            if (!presetText.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !File.Exists(presetText))
                throw new CliUsageException($"unknown preset '{presetText}': use one of {string.Join(", ", BuiltInPresets.Names)} or a preset .json file");
            preset = DevicePresetJson.Load(presetText);
        }
        return SimulatedBoard.Create(preset, serial);
    }

    /// <summary>
    /// True when <paramref name="spec"/> is <c>sim:PRESET:SERIAL</c> with a preset that has an analog chain (so commands can pick
    /// chain defaults before opening the board). Other specs answer false: their defaults are set after opening, or by flags.
    /// </summary>
    public static bool DescribesChain(string spec)
    {
        if (!spec.StartsWith("sim:", StringComparison.Ordinal)) return false;
        string args = spec[4..];
        int colon = args.LastIndexOf(':');
        if (colon <= 0) return false;
        string presetText = args[..colon];
        try
        {
            var preset = BuiltInPresets.Find(presetText) ?? (File.Exists(presetText) ? DevicePresetJson.Load(presetText) : null);
            return preset?.Chain is not null;
        }
        catch (InvalidDataException)
        {
            return false; // opening the board reports the bad preset
        }
    }

    /// <summary>Opens a saved board file (the text after <c>simfile:</c>).</summary>
    public static IDevice OpenSimFile(string path) => SimulatedBoard.Load(path);
}

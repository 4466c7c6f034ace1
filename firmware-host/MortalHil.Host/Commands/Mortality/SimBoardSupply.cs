using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>Simulated boards of one preset, one per serial (the same serial is the same board).</summary>
public sealed class SimBoardSupply(DevicePreset preset) : IBoardSupply
{
    public DevicePreset Preset => preset;

    public IDevice Make(string serial) => SimulatedBoard.Create(preset, serial);

    public IDevice Restore(byte[] state) => SimBoardKeeper.FromBytes(state);

    public IBoardKeeper Keeper => SimBoardKeeper.Instance;

    /// <summary>A built-in preset by name, or a preset .json file.</summary>
    public static SimBoardSupply ForPreset(string nameOrFile)
    {
        if (BuiltInPresets.Find(nameOrFile) is { } p) return new SimBoardSupply(p);
        if (!File.Exists(nameOrFile))
            throw new Cli.CliUsageException($"unknown preset '{nameOrFile}': use one of {string.Join(", ", BuiltInPresets.Names)} or a preset .json file");
        return new SimBoardSupply(DevicePresetJson.Load(nameOrFile));
    }
}

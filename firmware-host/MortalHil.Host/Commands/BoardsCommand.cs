using System.CommandLine;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil boards</c>: lists the board spec forms this build understands; <c>--preset NAME</c> prints a built-in
/// simulator preset as JSON, the starting point of a custom preset file (<c>--board sim:FILE.json:SERIAL</c>).
/// </summary>
public static class BoardsCommand
{
    public static Command Create()
    {
        var preset = new Option<string?>("--preset") { Description = $"Print a built-in simulator preset as JSON ({string.Join(", ", BuiltInPresets.Names)}); edit it and use it as --board sim:FILE.json:SERIAL" };
        var cmd = new Command("boards", "List the board spec forms (--board values) this build understands.") { preset };
        cmd.SetAction(parse =>
        {
            if (parse.GetValue(preset) is { } name)
            {
                var p = BuiltInPresets.Find(name) ?? throw new CliUsageException($"unknown preset '{name}'; built-in presets: {string.Join(", ", BuiltInPresets.Names)}");
                Console.WriteLine(DevicePresetJson.Serialize(p));
                return 0;
            }
            foreach (var u in BoardOpener.Usages) Console.WriteLine(u);
            return 0;
        });
        return cmd;
    }
}

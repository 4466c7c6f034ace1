using System.CommandLine;
using MortalHil.Host.Cli;
using MortalHil.Host.Commands;

namespace MortalHil.Host;

public static class Program
{
    /// <summary>The program's commands; each lives in its own file under Commands/.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("mortalhil: learn on analog crossbar boards, watch them age, and hand their knowledge on before they die.");
        foreach (var command in new[]
                 {
                     BoardsCommand.Create(),
                     CharacterizeCommand.Create(),
                     ProfileCommand.Create(),
                     SimServeCommand.Create(),
                     DataCommand.Create(),
                     BenchCommand.Create(),
                     TrainCommand.Create(),
                     RunsCommand.Create(),
                     VerifyCommand.Create(),
                     EvalCommand.Create(),
                     ExperimentCommand.Create(),
                     MortalHil.Host.Commands.Mortality.HandoverCommand.Create(),
                     StressCommand.Create(),
                     MortalHil.Host.Commands.Mortality.DemoCommand.Create(),
                     MortalHil.Host.Commands.Fleet.NodeCommand.Create(),
                     MortalHil.Host.Commands.Fleet.FleetCommand.Create(),
                     Dashboard.DashboardCommand.Create(),
                 })
            root.Subcommands.Add(command);
        return root;
    }

    public static int Main(string[] args)
    {
        var live = Dashboard.LiveEventsForProcess.Start(args);
        int code = CliRunner.Run(BuildRoot(), args);
        live?.Finish(code);
        return code;
    }
}

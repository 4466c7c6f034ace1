using System.CommandLine;

namespace MortalHil.Host.Commands;

/// <summary><c>mortalhil experiment ...</c>: the experiments behind the project's claims, each a subcommand.</summary>
public static class ExperimentCommand
{
    public static Command Create()
    {
        var cmd = new Command("experiment", "Run an experiment and write its JSON, tables and plots to --out DIR.");
        foreach (var sub in new[]
                 {
                     ExperimentLearningCommand.Create(),
                     Mortality.ExperimentMortalityCommand.Create(),
                     Mortal.ExperimentMortalCommand.Create(),
                     Community.ExperimentCommunityCommand.Create(),
                 })
            cmd.Subcommands.Add(sub);
        return cmd;
    }
}

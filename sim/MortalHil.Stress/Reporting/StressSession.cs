using MortalHil.Stress.Fleet;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Reporting;

/// <summary>Options of one stress run.</summary>
/// <param name="Threads">Lineages simulated at once (null = all cores).</param>
/// <param name="KeepJournals">Keep every handover journal under DIR/journals for inspection.</param>
/// <param name="Plots">Write the PNG plots.</param>
/// <param name="Toolkit">Learning and mortality behind the port (null = <see cref="StressToolkits.Default"/>).</param>
/// <param name="Executor">Where lineages run (null = this process's cores, with <paramref name="Threads"/> and <paramref name="Toolkit"/>).</param>
public sealed record StressOptions(int? Threads = null, bool KeepJournals = false, bool Plots = true, StressToolkitFactory? Toolkit = null,
    ILineageExecutor? Executor = null);

/// <summary>What a stress run wrote.</summary>
public sealed record StressOutcome(StressReport Report, FleetRun Run, string ReportPath, IReadOnlyList<string> PlotPaths);

/// <summary>Runs a scenario into an output folder: <c>stress.json</c> plus plots.</summary>
public static class StressSession
{
    public static StressOutcome Run(Scenario scenario, string? scenarioFile, string outFolder, StressOptions options, Action<FleetProgress>? progress = null,
        CancellationToken cancel = default)
    {
        Directory.CreateDirectory(outFolder);
        string kept = Path.Combine(outFolder, "journals");
        if (Directory.Exists(kept)) Directory.Delete(kept, recursive: true);
        string journals = options.KeepJournals ? kept : ScratchFolder.For(outFolder);
        FleetRun run;
        try
        {
            var executor = options.Executor ?? new LocalLineageExecutor(options.Toolkit ?? StressToolkits.Default, journals, options.Threads, options.KeepJournals);
            run = new FleetRunner(scenario, executor).Run(progress, cancel);
        }
        finally
        {
            if (!options.KeepJournals && Directory.Exists(journals)) Directory.Delete(journals, recursive: true);
        }
        var report = StressReport.From(run, scenarioFile);
        string path = Path.Combine(outFolder, "stress.json");
        report.Save(path);
        LineageDetails.Save(run, Path.Combine(outFolder, "lineages.json"));
        var plots = options.Plots ? StressPlots.Write(report, run, outFolder) : [];
        return new StressOutcome(report, run, path, plots);
    }
}

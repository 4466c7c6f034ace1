using System.CommandLine;
using MortalHil.Core.Live;
using System.Globalization;
using MortalHil.Host.Cli;
using MortalHil.Host.Commands.Fleet;
using MortalHil.Stress.Bench;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;
using Spectre.Console;

using MortalHil.Host.Options;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil stress SCENARIO.json --out DIR</c>: runs a fleet of simulated boards through a scenario
/// (ageing, failures, handovers, injected faults) and writes DIR/stress.json and plots.
/// <c>mortalhil stress bench SCENARIO.json --out DIR --boards 10,100,1000</c>: run time against fleet size.
/// </summary>
public static class StressCommand
{
    /// <summary>Exit code when the run finished but an invariant was broken (journaled outputs lost, a pulse applied twice).</summary>
    public const int InvariantBroken = 1;

    public static Command Create()
    {
        var scenarioArg = new Argument<FileInfo>("scenario") { Description = "Scenario JSON file (see sim/scenarios/README.md)." };
        var outOpt = SharedOptions.OutDir("Output folder for stress.json and the plots.");
        var boardsOpt = SharedOptions.OptionalCount("--boards", "Override the scenario's fleet size.", 1, ScenarioLoader.MaxFleetSize);
        var seedOpt = new Option<ulong?>("--seed") { Description = "Run this one seed instead of the scenario's seeds." };
        var threadsOpt = SharedOptions.OptionalCount("--threads", "Lineages simulated at once (default: all cores).", 1, 1024);
        var keepOpt = new Option<bool>("--keep-journals") { Description = "Keep every handover journal under DIR/journals." };
        var fleet = new FleetOptions(required: false);
        var cmd = new Command("stress", "Stress-test device-failure handover: run a fleet of simulated boards through a scenario and report what survived.");
        cmd.Arguments.Add(scenarioArg);
        foreach (var o in new Option[] { outOpt, boardsOpt, seedOpt, threadsOpt, keepOpt }) cmd.Options.Add(o);
        fleet.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var file = parse.GetValue(scenarioArg)!;
            var scenario = Load(file, parse.GetValue(boardsOpt), parse.GetValue(seedOpt));
            int? threads = Threads(parse.GetValue(threadsOpt));
            string outDir = Core.Files.OutputLocation.PrepareDirectory(parse.GetValue(outOpt)!, "--out");
            var cluster = fleet.From(parse);
            if (cluster is not null && (threads is not null || parse.GetValue(keepOpt)))
                throw new CliUsageException("--threads and --keep-journals apply to in-process runs; with --cluster each node uses its cores and keeps journals only while a lineage runs");
            // An unreachable fleet (--cluster) ends in exit 5 through ErrorClassifier.
            {
                StressOutcome outcome = null!;
                string title = $"{scenario.Name}: {scenario.FleetSize} boards x {scenario.Seeds.Count} seed(s)";
                Action<FleetProgress> Live(Action<FleetProgress> report) => p =>
                {
                    report(p);
                    LiveStress.Publish(outDir, scenario.Name, p.Finished, p.Scheduled);
                };
                if (cluster is null)
                {
                    var options = new StressOptions(threads, parse.GetValue(keepOpt));
                    RunWithProgress(title, report => outcome = StressSession.Run(scenario, file.FullName, outDir, options, Live(report)));
                }
                else
                {
                    outcome = ClusterStress.Run(cluster, title, (executor, report) =>
                        StressSession.Run(scenario, file.FullName, outDir, new StressOptions(Executor: executor), Live(report)), RunWithProgress);
                }
                LiveStress.Publish(outDir, scenario.Name, 1, 1, done: true);
                Print(outcome);
                return Verdict(outcome.Report.Metrics.Total.JournaledOutputsLost, outcome.Report.Metrics.Total.StudentStepsLost, outcome.Report.Metrics.Total.PulsesAppliedTwice);
            }
        });

        var benchScenario = new Argument<FileInfo>("scenario") { Description = "Scenario JSON file." };
        var benchOut = SharedOptions.OutDir("Output folder for bench.json, bench.png and one stress.json per size.");
        var sizes = new Option<string>("--boards") { Description = "Comma-separated fleet sizes.", DefaultValueFactory = _ => "10,100,1000" };
        var benchSeed = new Option<ulong?>("--seed") { Description = "Run this one seed instead of the scenario's seeds." };
        var benchThreads = SharedOptions.OptionalCount("--threads", "Lineages simulated at once (default: all cores).", 1, 1024);
        var silos = new Option<string?>("--silos")
        {
            Description = "Instead of fleet sizes, measure silo processes on this machine: comma-separated counts (e.g. 1,2,3), each run " +
                "sharing all cores and pinned one core per silo (taskset), against an in-process run; needs redis-server. Uses the first --boards size.",
        };
        var bench = new Command("bench", "Measure how a scenario's run time grows with the number of boards, or with the number of silo processes (--silos).");
        bench.Arguments.Add(benchScenario);
        foreach (var o in new Option[] { benchOut, sizes, benchSeed, benchThreads, silos }) bench.Options.Add(o);
        bench.SetAction(parse =>
        {
            var file = parse.GetValue(benchScenario)!;
            var scenario = Load(file, null, parse.GetValue(benchSeed));
            if (parse.GetValue(silos) is string siloList)
                return ClusterStress.Bench(scenario.WithFleetSize(ParseSizes(parse.GetValue(sizes)!)[0]), file.FullName, ParseCounts(siloList, "--silos", "silo process counts", MaxBenchSilos), Core.Files.OutputLocation.PrepareDirectory(parse.GetValue(benchOut)!, "--out"));
            var boards = ParseSizes(parse.GetValue(sizes)!);
            int? threads = Threads(parse.GetValue(benchThreads));
            string outDir = Core.Files.OutputLocation.PrepareDirectory(parse.GetValue(benchOut)!, "--out");
            BenchReport report = null!;
            RunWithProgress($"{scenario.Name}: bench at {string.Join(", ", boards)} boards",
                report2 => report = StressBench.Run(scenario, file.FullName, boards, outDir, new StressOptions(threads), (n, p) => report2(p)));
            var table = new Table().AddColumns("boards", "wall s", "cpu s", "board x generations", "per second", "cpu s each", "load before/after", "availability", "journaled lost");
            foreach (var p in report.Points)
                table.AddRow(p.Boards.ToString(CultureInfo.InvariantCulture), p.WallSeconds.ToString("F1", CultureInfo.InvariantCulture), p.CpuSeconds.ToString("F1", CultureInfo.InvariantCulture),
                    p.BoardGenerations.ToString(CultureInfo.InvariantCulture), p.BoardGenerationsPerSecond.ToString("F1", CultureInfo.InvariantCulture),
                    p.CpuSecondsPerBoardGeneration.ToString("F3", CultureInfo.InvariantCulture),
                    $"{p.LoadAverageBefore.ToString("F1", CultureInfo.InvariantCulture)}/{p.LoadAverageAfter.ToString("F1", CultureInfo.InvariantCulture)}",
                    p.ServiceAvailability.ToString("P2", CultureInfo.InvariantCulture), p.JournaledOutputsLost.ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            Console.WriteLine($"wrote {Path.Combine(outDir, "bench.json")} and {Path.Combine(outDir, "bench.png")}");
            return Verdict(report.Points.Sum(p => p.JournaledOutputsLost), 0, 0);
        });
        cmd.Subcommands.Add(bench);
        return cmd;
    }

    private static Scenario Load(FileInfo file, int? boards, ulong? seed)
    {
        // Errors name the file as the user typed it and the field, e.g. "bad.json: scenario field 'fleet.size' must be >= 1 (got 0)".
        var scenario = ScenarioLoader.Load(file.ToString());
        if (boards is int n)
        {
            if (n < 1 || n > ScenarioLoader.MaxFleetSize) throw new CliUsageException($"--boards must be in [1, {ScenarioLoader.MaxFleetSize}] (got {n})");
            scenario = scenario.WithFleetSize(n);
        }
        if (seed is ulong s) scenario = scenario with { Seeds = [s] };
        return scenario;
    }

    private static int? Threads(int? threads)
    {
        if (threads is int t && (t < 1 || t > 1024)) throw new CliUsageException($"--threads must be in [1, 1024] (got {t})");
        return threads;
    }

    /// <summary>Each silo of the bench is a process on this machine: more than this is a typing error, not a bench.</summary>
    private const int MaxBenchSilos = 16;

    private static List<int> ParseSizes(string text) => ParseCounts(text, "--boards", "fleet sizes", ScenarioLoader.MaxFleetSize);

    private static List<int> ParseCounts(string text, string option, string what, int max)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) || n < 1 || n > max)
                throw new CliUsageException($"{option} must list {what} in [1, {max}] separated by commas (got '{part}')");
            counts.Add(n);
        }
        if (counts.Count == 0) throw new CliUsageException($"{option} must list at least one of its {what}");
        return counts;
    }

    private static void RunWithProgress(string title, Action<Action<FleetProgress>> body) =>
        LiveProgress.Run(title, bar => body(p =>
            bar.Report(p.Finished, p.Scheduled, p.PoolIteration > 1 ? $"{title} (spare pool round {p.PoolIteration})" : title)));

    private static void Print(StressOutcome o)
    {
        var m = o.Report.Metrics.Total;
        var h = m.Handovers;
        var f = m.Faults;
        var table = new Table().AddColumns("metric", "value");
        void Row(string k, string v) => table.AddRow(Markup.Escape(k), Markup.Escape(v));
        Row("service availability (>= 95% of best)", m.ServiceAvailability.ToString("P2", CultureInfo.InvariantCulture));
        Row("board x generations", m.BoardGenerations.ToString(CultureInfo.InvariantCulture));
        Row("handovers completed / failed / unfinished / resumed", $"{h.Completed} / {h.Failed} / {h.Unfinished} / {h.Resumed} (of {h.Started})");
        Row("lost before handover / cold starts", $"{h.LostBeforeHandover} / {h.ColdStarts}");
        Row("teacher deaths / student deaths mid-handover", $"{f.TeacherDeathsMidHandover} / {f.StudentDeathsMidHandover}");
        Row("host crashes (handover / serving)", $"{f.HostCrashesInHandover} / {f.HostCrashesWhileServing}");
        Row("link errors / retries / links lost", $"{f.LinkErrors} / {f.LinkRetries} / {f.LinkLosses}");
        Row("journaled_outputs_lost", $"{m.JournaledOutputsLost} (of {m.JournaledOutputsChecked} checked across crashes)");
        Row("student steps lost", $"{m.StudentStepsLost} (of {m.StudentStepsChecked})");
        Row("pulses applied twice / repeats refused", $"{m.PulsesAppliedTwice} / {m.DuplicatePulseRequestsRefused}");
        Row("teacher queries per handover (mean)", m.PerHandover.TeacherQueries.Mean.ToString("F0", CultureInfo.InvariantCulture));
        Row("student pulses per handover (mean)", m.PerHandover.StudentPulses.Mean.ToString("F0", CultureInfo.InvariantCulture));
        foreach (var g in m.KnowledgeRetainedPerGeneration)
            Row($"generation {g.Generation}", $"{g.Boards} boards ({g.Distilled} distilled, {g.ColdStarted} cold), accuracy {g.Accuracy.Mean:P1}" +
                (g.RetainedVsFirst.Count > 0 ? $", retained {g.RetainedVsFirst.Mean:P1} of generation 0" : ""));
        var t = o.Report.Timing;
        Row("wall time", $"{t.WallSeconds:F1} s ({t.CpuSeconds:F1} s processor) on {t.Threads} threads: {t.BoardGenerationsPerSecond:F2} board x generations per second");
        AnsiConsole.Write(table);
        Console.WriteLine($"wrote {o.ReportPath}");
        foreach (var p in o.PlotPaths) Console.WriteLine($"wrote {p}");
    }

    private static int Verdict(long outputsLost, long stepsLost, long pulsesTwice)
    {
        if (outputsLost == 0 && stepsLost == 0 && pulsesTwice == 0) return 0;
        Console.Error.WriteLine($"stress: invariant broken: journaled_outputs_lost {outputsLost}, student steps lost {stepsLost}, pulses applied twice {pulsesTwice}");
        return InvariantBroken;
    }
}

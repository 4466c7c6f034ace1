using System.Text.Json;
using System.Text.Json.Serialization;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Metrics;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Reporting;

/// <summary>The content of <c>stress.json</c>.</summary>
public sealed record StressReport
{
    public required ScenarioSummary Scenario { get; init; }
    /// <summary>Total over all seeds; must be 0 (copied from <see cref="MetricsSection"/> for a quick check).</summary>
    public required long JournaledOutputsLost { get; init; }
    /// <summary>Deterministic results: the same scenario and seeds give the same section, bit for bit.</summary>
    public required MetricsSection Metrics { get; init; }
    /// <summary>Wall-clock figures of this run (vary with the machine).</summary>
    public required StressTiming Timing { get; init; }

    /// <summary>Builds the report of a finished run.</summary>
    public static StressReport From(FleetRun run, string? scenarioFile)
    {
        var sc = run.Scenario;
        var all = run.Seeds.SelectMany(s => s.Lineages).ToArray();
        var total = MetricsCalculator.Compute(all, sc.Duration.Years);
        var runs = run.Seeds.Select(s => new SeedMetrics(s.Seed, s.PoolRounds, MetricsCalculator.Compute(s.Lineages, sc.Duration.Years))).ToArray();
        return new StressReport
        {
            Scenario = new ScenarioSummary(sc.Name, sc.Description, scenarioFile, sc.FleetSize, sc.Seeds, sc.Duration.Years, sc.Duration.MaxGenerations,
                sc.Devices.Presets.Select(p => p.Source).ToArray()),
            JournaledOutputsLost = total.JournaledOutputsLost,
            Metrics = new MetricsSection(total, runs),
            Timing = new StressTiming(run.WallSeconds, run.CpuSeconds, run.Threads, Environment.ProcessorCount, run.LineageSimulations, total.BoardGenerations,
                run.WallSeconds > 0 ? total.BoardGenerations / run.WallSeconds : 0),
        };
    }

    /// <summary>JSON options of the report: snake_case, indented, infinities as strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes the report to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public void Save(string path) => Core.Files.StampedJson.Write(path, JsonSerializer.Serialize(this, JsonOptions), "stress", 1);
}

/// <summary>What was run.</summary>
public sealed record ScenarioSummary(string Name, string Description, string? File, int FleetSize, IReadOnlyList<ulong> Seeds,
    double SimulatedYears, int? MaxGenerations, IReadOnlyList<string> Presets);

/// <summary>Metrics pooled over all seeds, and per seed.</summary>
public sealed record MetricsSection(StressMetrics Total, IReadOnlyList<SeedMetrics> Runs);

/// <summary>One seed's metrics and how many rounds its spare pool took to settle.</summary>
public sealed record SeedMetrics(ulong Seed, int PoolRounds, StressMetrics Metrics);

/// <summary>
/// Wall-clock cost of the run. <see cref="BoardGenerationsPerSecond"/> is boards that served (over all
/// lineages and seeds) per wall second: the throughput figure of issue 6. <see cref="CpuSeconds"/> is the
/// processor time the process used; on a machine shared with other work, wall time can be much larger.
/// </summary>
public sealed record StressTiming(double WallSeconds, double CpuSeconds, int Threads, int Cores, int LineageSimulations, int BoardGenerations,
    double BoardGenerationsPerSecond);

/// <summary>Writes files so that a reader never sees half of one (the one implementation: <see cref="Core.Files.AtomicFile"/>).</summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text) => Core.Files.AtomicFile.WriteAllText(path, text);
}

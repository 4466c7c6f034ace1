using MortalHil.Stress.Scenarios;

namespace MortalHil.Fleet.Tests;

internal static class TestScenarios
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MortalHil.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }

    /// <summary>fleet-100x5 cut down to <paramref name="boards"/> lineages of 3 generations: seconds per lineage, every fault type kept.</summary>
    public static Scenario Small(int boards)
    {
        var s = ScenarioLoader.Load(Path.Combine(RepoRoot(), "sim", "scenarios", "fleet-100x5.json")).WithFleetSize(boards);
        return s with { Duration = s.Duration with { MaxGenerations = 3 } };
    }
}

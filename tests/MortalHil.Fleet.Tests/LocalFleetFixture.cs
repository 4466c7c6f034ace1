using System.Text.Json;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Local;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// A real redis-server and 'mortalhil node' processes on loopback, each test with its own cluster id. Fails
/// (never skips) when redis-server is missing: CI installs it.
/// </summary>
internal sealed class LocalFleet : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mortalhil-fleet-test-").FullName;

    public LocalFleet(bool persistentRedis = false)
    {
        Assert.True(RedisProcess.FindServer() is not null,
            "redis-server is not installed: the fleet tests need Debian's redis-server (apt-get install redis-server; .ci/run installs it)");
        Redis = RedisProcess.Start(dataFolder: persistentRedis ? Path.Combine(_dir, "redis") : null);
        Cluster = new FleetClusterOptions(Redis.ConnectionString, $"test-{Guid.NewGuid():N}", FastFailover: true);
    }

    public RedisProcess Redis { get; }
    public FleetClusterOptions Cluster { get; }
    public List<NodeProcess> Nodes { get; } = [];

    /// <summary>How to start mortalhil: dotnet plus the mortalhil.dll built beside this test assembly.</summary>
    public static IReadOnlyList<string> Command()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "mortalhil.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing (the test project references the host)");
        return [Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? Environment.ProcessPath! : "dotnet", dll];
    }

    /// <summary>Starts nodes in parallel (each joins in a few seconds).</summary>
    public void StartNodes(params (string Name, string[] Boards)[] nodes)
    {
        var started = nodes.AsParallel().Select(n =>
        {
            string file = Path.Combine(_dir, n.Name + ".node.json");
            File.WriteAllText(file, JsonSerializer.Serialize(new { node = n.Name, boards = n.Boards, journal_folder = JournalFolder(n.Name) }));
            return NodeProcess.Start(Command(), n.Name, file, Cluster.Redis, Cluster.ClusterId, fastFailover: true, joinTimeout: TimeSpan.FromSeconds(120));
        }).ToList();
        Nodes.AddRange(started.OrderBy(n => n.Name, StringComparer.Ordinal));
    }

    public NodeProcess Node(string name) => Nodes.Single(n => n.Name == name);

    /// <summary>The folder of node <paramref name="node"/>'s own handover journals (each node has its own; none is shared).</summary>
    public string JournalFolder(string node) => Path.Combine(_dir, "journals-" + node);

    public void Dispose()
    {
        foreach (var n in Nodes) n.Dispose();
        Redis.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

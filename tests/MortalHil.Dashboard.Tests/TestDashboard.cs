using MortalHil.Host.Dashboard;

namespace MortalHil.Dashboard.Tests;

/// <summary>A dashboard on a random loopback port over a temporary live folder, run store and allowed folder.</summary>
public sealed class TestDashboard : IAsyncDisposable
{
    private TestDashboard(string root, DashboardServer server)
    {
        Root = root;
        Server = server;
    }

    public string Root { get; }
    public string Live => Path.Combine(Root, "live");
    public string Allowed => Path.Combine(Root, "allowed");
    public DashboardServer Server { get; }
    public string Url => Server.Urls[0];

    public static async Task<TestDashboard> Start(string? token = null)
    {
        var root = Directory.CreateTempSubdirectory("mortalhil-dashboard-test-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "live"));
        Directory.CreateDirectory(Path.Combine(root, "allowed"));
        var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            Urls = ["http://127.0.0.1:0"], RunStorePath = Path.Combine(root, "runs.db"), LiveDirectory = Path.Combine(root, "live"),
            AllowedRoots = [Path.Combine(root, "allowed")], Token = token,
        });
        return new TestDashboard(root, server);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }
}

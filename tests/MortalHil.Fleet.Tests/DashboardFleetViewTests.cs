using System.Text.Json.Nodes;
using MortalHil.Host.Dashboard;
using Xunit.Abstractions;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// The dashboard's Fleet view over real silo processes: it lists every node and board, and when a node is killed its
/// board turns unreachable (not dead) while the other node's stays alive; a fleet that cannot be reached is shown
/// with its reason, and the dashboard keeps serving.
/// </summary>
public sealed class DashboardFleetViewTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_fleet_view_shows_nodes_and_boards_and_a_killed_node_as_unreachable()
    {
        using var fleet = new LocalFleet();
        fleet.StartNodes(("d1", ["sim:reram:201"]), ("d2", ["sim:pcm:202"]));
        string root = Directory.CreateTempSubdirectory("mortalhil-dashboard-fleet-").FullName;
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            Urls = ["http://127.0.0.1:0"], RunStorePath = Path.Combine(root, "runs.db"), Fleet = fleet.Cluster,
        });
        using var http = new HttpClient { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var info = JsonNode.Parse(await http.GetStringAsync("/api/info"))!;
            Assert.Equal(fleet.Cluster.ClusterId, (string?)info["fleet"]);

            var both = await Until(http, v => Nodes(v).Count == 2 && Nodes(v).All(n => (bool)n["silo_active"]! && Board(n) == "alive"));
            Assert.Equal(["d1", "d2"], Nodes(both).Select(n => (string)n["node"]!));
            Assert.Equal("202", (string?)Nodes(both)[1]["boards"]![0]!["serial"]);

            fleet.Node("d2").Kill();
            var after = await Until(http, v => Nodes(v).Count == 2 && !(bool)Nodes(v)[1]["silo_active"]!);
            Assert.Equal("unreachable", Board(Nodes(after)[1]));
            Assert.True((bool)Nodes(after)[0]["silo_active"]!);
            Assert.Equal("alive", Board(Nodes(after)[0]));
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task An_unreachable_fleet_is_shown_with_its_reason_and_the_dashboard_keeps_serving()
    {
        int port = FreePort(); // nothing listens there
        string root = Directory.CreateTempSubdirectory("mortalhil-dashboard-nofleet-").FullName;
        await using var server = await DashboardServer.StartAsync(new DashboardOptions
        {
            Urls = ["http://127.0.0.1:0"], RunStorePath = Path.Combine(root, "runs.db"),
            Fleet = new MortalHil.Fleet.Cluster.FleetClusterOptions($"127.0.0.1:{port}", "nofleet"),
        });
        using var http = new HttpClient { BaseAddress = new Uri(server.Urls[0]), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var view = await Until(http, v => v["error"] is not null);
            Assert.Contains("fleet unreachable", (string)view["error"]!);
            Assert.Null(view["nodes"]);
            Assert.Contains("Fleet", await http.GetStringAsync("/")); // the page itself is still served
        }
        finally
        {
            try { Directory.Delete(root, recursive: true); } catch (IOException) { }
        }
    }

    private static List<JsonNode> Nodes(JsonNode view) => view["nodes"] is JsonArray a ? a.Select(n => n!).ToList() : [];
    private static string? Board(JsonNode node) => (string?)node["boards"]![0]!["state"];

    private async Task<JsonNode> Until(HttpClient http, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + Patience;
        JsonNode? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = JsonNode.Parse(await http.GetStringAsync("/api/fleet"))!;
            if (done(last)) return last;
            await Task.Delay(250);
        }
        output.WriteLine($"last /api/fleet: {last?.ToJsonString()}");
        throw new TimeoutException($"the fleet view did not show the expected state within {Patience.TotalSeconds:F0} s");
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}

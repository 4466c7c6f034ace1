using MortalHil.Fleet.Boards;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Status;
using MortalHil.Fleet.Stress;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;
using Xunit.Abstractions;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// Lineages spread over three real silo processes on loopback, one of them killed with SIGKILL mid-run: the work
/// completes on the others with the same results as in-process, and the dead node's board is reported
/// unreachable, not dead.
/// </summary>
public sealed class ClusterStressTests(ITestOutputHelper output)
{
    private void Log(string line)
    {
        try { output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); } catch (InvalidOperationException) { /* the test is over */ }
    }

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_silo_killed_mid_run_leaves_its_lineages_to_the_others_with_the_in_process_results()
    {
        var scenario = TestScenarios.Small(12);
        string work = Directory.CreateTempSubdirectory("mortalhil-fleet-ref-").FullName;
        try
        {
            var reference = StressSession.Run(scenario, null, Path.Combine(work, "local"), new StressOptions(Plots: false));

            using var fleet = new LocalFleet();
            fleet.StartNodes(("n1", ["sim:reram:101"]), ("n2", ["sim:pcm:102"]), ("n3", ["sim:ecram:103"]));
            await using var client = await FleetClient.ConnectAsync(fleet.Cluster, TimeSpan.FromSeconds(60));
            var executor = new ClusterLineageExecutor(client.Client, callBound: Bound, log: Log);
            int finished = 0;
            var run = Task.Run(() => StressSession.Run(scenario, null, Path.Combine(work, "cluster"), new StressOptions(Plots: false, Executor: executor),
                p =>
                {
                    // Kill n3 once the run is under way: it has lineages in flight (each node keeps one per core busy).
                    if (Interlocked.Increment(ref finished) == 2) fleet.Node("n3").Kill();
                }));
            StressOutcome outcome;
            try
            {
                outcome = await run.WaitAsync(Bound);
            }
            catch (TimeoutException)
            {
                foreach (var node in fleet.Nodes) Log($"--- node {node.Name} printed:\n{node.Log}");
                throw;
            }

            Assert.True(fleet.Node("n3").HasExited);
            Assert.True(executor.Requeued >= 1, "the killed node had lineages in flight; they must have been run again elsewhere");
            Assert.Equal(0, outcome.Report.JournaledOutputsLost);
            Assert.Equal(0, outcome.Report.Metrics.Total.PulsesAppliedTwice);
            Assert.Equal(SiloBench.MetricsJson(reference.Report), SiloBench.MetricsJson(outcome.Report));

            // The run can end before the membership protocol has declared the killed silo dead (6-10 s after the kill):
            // wait for that verdict rather than read the status once. Until the client has dropped the dead silo's gateway, a
            // read sent through it is refused ("connection refused"): that read is asked again, as `fleet status` would be.
            var verdictBy = DateTime.UtcNow.AddSeconds(90);
            FleetStatusReport? status = null;
            while (status is null || (status.Nodes.Single(n => n.Node == "n3").SiloActive && DateTime.UtcNow < verdictBy))
            {
                if (status is not null) await Task.Delay(500);
                try
                {
                    status = await FleetStatus.ReadAsync(client.Client, fleet.Cluster.ClusterId).WaitAsync(TimeSpan.FromSeconds(60));
                }
                catch (Exception e) when (DateTime.UtcNow < verdictBy && e is not TimeoutException)
                {
                    Log($"fleet status not readable yet ({e.GetType().Name}: {e.Message}); asking again");
                    await Task.Delay(1000);
                }
            }
            var n3 = status.Nodes.Single(n => n.Node == "n3");
            Assert.False(n3.SiloActive, "the killed node's silo was still active 90 s after the run");
            Assert.Equal(BoardReachability.Unreachable, Assert.Single(n3.Boards).State);
            var n1 = status.Nodes.Single(n => n.Node == "n1");
            Assert.True(n1.SiloActive);
            Assert.Equal(BoardReachability.Alive, Assert.Single(n1.Boards).State);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Redis_restarted_mid_run_is_waited_for_and_the_run_carries_on()
    {
        var scenario = TestScenarios.Small(8);
        string work = Directory.CreateTempSubdirectory("mortalhil-fleet-redis-").FullName;
        try
        {
            var reference = StressSession.Run(scenario, null, Path.Combine(work, "local"), new StressOptions(Plots: false));

            using var fleet = new LocalFleet(persistentRedis: true);
            fleet.StartNodes(("r1", []), ("r2", []));
            await using var client = await FleetClient.ConnectAsync(fleet.Cluster, TimeSpan.FromSeconds(60));
            var executor = new ClusterLineageExecutor(client.Client, callBound: Bound, log: Log);
            int finished = 0;
            var outcome = await Task.Run(() => StressSession.Run(scenario, null, Path.Combine(work, "cluster"), new StressOptions(Plots: false, Executor: executor),
                p =>
                {
                    if (Interlocked.Increment(ref finished) == 2) fleet.Redis.Restart(TimeSpan.FromSeconds(3));
                })).WaitAsync(Bound);

            Assert.Equal(0, outcome.Report.JournaledOutputsLost);
            Assert.Equal(SiloBench.MetricsJson(reference.Report), SiloBench.MetricsJson(outcome.Report));
            // The fleet is still whole afterwards: both nodes are members and answer. On an idle machine the run can end
            // while Redis is still coming back, and the registry's read then fails (a RedisTimeoutException that Orleans
            // cannot even serialise): the status is asked again until Redis answers, as `fleet status` would be.
            FleetStatusReport? status = null;
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (status is null)
            {
                try
                {
                    status = await FleetStatus.ReadAsync(client.Client, fleet.Cluster.ClusterId).WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception e) when (DateTime.UtcNow < until)
                {
                    Log($"fleet status not readable yet ({e.GetType().Name}); asking again");
                    await Task.Delay(1000);
                }
            }
            Assert.All(status.Nodes, n => Assert.True(n.SiloActive, $"node {n.Node} dropped out after the Redis restart"));
            Assert.Equal(["r1", "r2"], status.Nodes.Select(n => n.Node));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

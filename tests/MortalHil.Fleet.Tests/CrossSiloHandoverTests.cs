using Microsoft.Data.Sqlite;
using MortalHil.Fleet.Boards;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Handover;
using MortalHil.Fleet.Status;
using MortalHil.Fleet.Stress;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Toolkit;
using Xunit.Abstractions;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// A handover whose teacher and student sit on different silo processes, coordinated from a third that is killed with
/// SIGKILL in the middle. Each node has its own journal folder and none is shared: the journal lives on the student's node and
/// the coordinator journals through it. The coordination moves to a surviving silo, resumes from that journal and finishes;
/// nothing the journal held is lost or asked of the teacher again, and the boards' own nodes counted no pulse applied twice. Redis, which
/// holds membership and the coordinator's state, is then killed and restarted while the moved coordinator works on: the
/// fleet waits for it and finishes.
/// </summary>
public sealed class CrossSiloHandoverTests(ITestOutputHelper output)
{
    private void Log(string line)
    {
        try { output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); } catch (InvalidOperationException) { /* the test is over */ }
    }

    /// <summary>Generous: three silos and a handover on a 2-core machine that may be running other sessions' jobs.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    /// <summary>fleet-100x5's task and policy, with 16-example teacher batches and a checkpoint every 3 rounds, so a kill after a
    /// few rounds lands while lessons are still being collected and after a checkpoint.</summary>
    private static Scenario HandoverScenario()
    {
        var s = TestScenarios.Small(1);
        return s with
        {
            Training = s.Training with { Steps = 60 },
            Policy = s.Policy with { QueryBatch = 16, EvaluateEveryRounds = 3, CommissioningMaxSteps = null },
        };
    }

    [Fact]
    public async Task The_coordinator_silo_killed_mid_handover_leaves_the_work_to_the_others_with_nothing_lost_and_no_pulse_twice()
    {
        using var fleet = new LocalFleet(persistentRedis: true);
        fleet.StartNodes(("n1", ["sim:reram:201"]), ("n2", ["sim:reram:202"]), ("n3", []));
        await using var client = await FleetClient.ConnectAsync(fleet.Cluster, TimeSpan.FromSeconds(60));
        Log("three nodes joined");
        var status = await FleetStatus.ReadAsync(client.Client, fleet.Cluster.ClusterId).WaitAsync(TimeSpan.FromSeconds(60));
        string teacher = BoardKeys.Of("n1", status.Nodes.Single(n => n.Node == "n1").Boards.Single().Serial);
        string student = BoardKeys.Of("n2", status.Nodes.Single(n => n.Node == "n2").Boards.Single().Serial);

        var order = new HandoverOrder("h1", LineageWire.Scenario(HandoverScenario()), teacher, student, JournalNode: "n2", Seed: 7, Pace: TimeSpan.FromMilliseconds(400));
        string journal = Path.Combine(fleet.JournalFolder("n2"), "handover-h1.db");
        var coordinator = client.Client.GetGrain<IHandoverCoordinatorGrain>("n3/h1");
        var started = await coordinator.Start(order).WaitAsync(TimeSpan.FromSeconds(60));
        Log($"ordered: {started}");
        Assert.Equal("n3", started.Coordinator);

        // Kill n3 once the student has passed a checkpoint and the teacher's lesson is still being collected.
        var running = await Poll(coordinator, r => r.StudentSteps >= 16 || r.Final, "the student to pass its first checkpoint");
        Log($"killing n3 at: {running}");
        Assert.False(running.Final, $"the handover ended before the coordinator could be killed: {running}");
        Assert.Equal("n3", running.Coordinator);
        fleet.Node("n3").Kill();
        Assert.True(fleet.Node("n3").HasExited);
        var before = JournalFileReader.Read(journal);
        var asked = TransferQueries(journal);
        Log($"journal at the kill: {before.TeacherOutputs.Count} teacher batches, checkpoint at step {before.StudentSteps}");
        Assert.NotEmpty(before.TeacherOutputs);
        // Usually part of the lesson is still to collect (the resumed coordinator then asks the teacher, on n1, for the rest); on a
        // starved machine the status poll may come late, and the properties below hold either way.
        if (before.TeacherOutputs.Sum(b => b.Value.Examples) >= 256) Log("the whole lesson was journaled before the kill");

        // Redis (membership and the coordinator's state) crashes and comes back while the moved coordinator works on.
        var resumed = await Poll(coordinator, r => r.Attempt >= 2 || r.Final, "the coordination to resume on a surviving silo");
        Log($"resumed: {resumed}");
        if (!resumed.Final) fleet.Redis.Restart(TimeSpan.FromSeconds(3));
        Log("redis restarted");

        var final = await Poll(coordinator, r => r.Final, "the handover to finish on a surviving silo");
        Log($"final: {final}");
        foreach (var node in fleet.Nodes) Log($"--- node {node.Name} printed:\n{node.Log}");

        Assert.NotEqual("n3", final.Coordinator);
        Assert.Equal($"n2:{journal}", final.Journal);
        // The journal was kept on the student's node only: the coordinators' nodes hold no copy of it.
        foreach (var other in new[] { "n1", "n3" })
            Assert.False(Directory.Exists(fleet.JournalFolder(other)) && Directory.EnumerateFiles(fleet.JournalFolder(other)).Any(), $"node {other} holds journal files");
        Assert.True(final.Attempt >= 2, $"the journal should show the coordinator that resumed it (attempt {final.Attempt})");
        Assert.Contains(final.State, new[] { "retired", "failed" });
        Assert.Equal(256, final.CollectedExamples); // the whole lesson, the part after the kill asked of the teacher on n1

        // journaled_outputs_lost = 0: every batch journaled before the kill is still there, unchanged ...
        var after = JournalFileReader.Read(journal);
        long lost = before.TeacherOutputs.Where(b => !after.TeacherOutputs.TryGetValue(b.Key, out var a) || a.Hash != b.Value.Hash).Sum(b => (long)b.Value.Examples);
        Assert.Equal(0, lost);
        // ... and was never asked of the teacher again.
        var askedAfter = TransferQueries(journal);
        foreach (var batch in before.TeacherOutputs.Keys) Assert.Equal(asked[batch], askedAfter[batch]);
        Assert.All(before.TeacherOutputs.Keys, b => Assert.Equal(1, askedAfter[b]));

        // No pulse applied twice, by the boards' own counters on their own nodes.
        foreach (var key in new[] { teacher, student })
        {
            var ledger = await client.Client.GetGrain<IBoardGrain>(key).Ledger().WaitAsync(TimeSpan.FromSeconds(60));
            Log($"{key}: {ledger}");
            Assert.True(ledger.PulsesFirstApplied > 0, $"{key}: no pulse reached the board");
            Assert.Equal(0, ledger.PulsesAppliedTwice);
            Assert.Equal(0, ledger.RepeatedIdsReachingBoard);
        }
    }

    /// <summary>Asks the coordinator where the handover stands until <paramref name="done"/>; every call is bounded and a failed one
    /// (its silo died, membership has not noticed yet) is simply asked again.</summary>
    private async Task<HandoverReport> Poll(IHandoverCoordinatorGrain coordinator, Func<HandoverReport, bool> done, string what)
    {
        var until = DateTime.UtcNow + Patience;
        string last = "no answer yet";
        while (DateTime.UtcNow < until)
        {
            try
            {
                var r = await coordinator.Status().WaitAsync(TimeSpan.FromSeconds(20));
                last = r.ToString();
                if (r.Error is not null) Log($"coordinator reports: {r.Error}");
                if (done(r)) return r;
            }
            catch (Exception e)
            {
                string why = e.GetType().Name;
                if (why != last) Log($"status call failed ({why}: {e.Message.Split('\n')[0]}); asking again");
                last = why;
            }
            await Task.Delay(150);
        }
        throw new TimeoutException($"waited {Patience.TotalMinutes} min for {what}; last: {last}");
    }

    /// <summary>Teacher queries for the lesson journaled per batch (the intent is journaled before each query).</summary>
    internal static Dictionary<int, int> TransferQueries(string journal)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = journal, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var db = new SqliteConnection(cs);
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT batch, count(*) FROM query_intents WHERE purpose = 'transfer' GROUP BY batch";
        using var r = cmd.ExecuteReader();
        var counts = new Dictionary<int, int>();
        while (r.Read()) counts[r.GetInt32(0)] = r.GetInt32(1);
        return counts;
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace MortalHil.Host.Tests.Mortality;

/// <summary>
/// A real <c>mortalhil handover</c> process killed (SIGKILL) in each handover state, then run again
/// on the same journal: it resumes, says so, and loses nothing the teacher had already answered.
/// </summary>
public class HandoverKillResumeTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    private const int TransferExamples = 256, QueryBatch = 32;

    /// <summary>What the journal held when the child was killed.</summary>
    private sealed record JournalView(string State, Dictionary<long, (byte[] Logits, long Attempt)> Outputs);

    private static JournalView Read(string journal)
    {
        if (!File.Exists(journal)) return new JournalView("none", []);
        using var db = new SqliteConnection($"Data Source={journal};Mode=ReadOnly;Pooling=False");
        db.Open();
        using (var tables = db.CreateCommand())
        {
            tables.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'teacher_outputs'";
            if ((long)tables.ExecuteScalar()! == 0) return new JournalView("none", []); // killed before the schema was committed
        }
        using var state = db.CreateCommand();
        state.CommandText = "SELECT to_state FROM transitions ORDER BY seq DESC LIMIT 1";
        var s = state.ExecuteScalar() as string ?? "serving";
        var outputs = new Dictionary<long, (byte[], long)>();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT batch, logits, attempt FROM teacher_outputs";
        using var r = cmd.ExecuteReader();
        while (r.Read()) outputs[r.GetInt64(0)] = ((byte[])r.GetValue(1), r.GetInt64(2));
        return new JournalView(s, outputs);
    }

    /// <summary>True once the journal's schema is committed (a read racing the child's first commit counts as not yet).</summary>
    private static bool JournalStarted(string journal)
    {
        try { return Read(journal).State != "none"; }
        catch (SqliteException) { return false; }
    }

    /// <summary>Runs the handover as a child process and kills it as soon as a stdout line starts with <paramref name="killAt"/>.</summary>
    private static void RunAndKill(string[] args, string killAt)
    {
        using var p = Process.Start(MortalityFixture.Child(args))!;
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(120);
            string? line;
            var seen = new List<string>();
            while ((line = p.StandardOutput.ReadLine()) is not null)
            {
                seen.Add(line);
                if (line.StartsWith(killAt, StringComparison.Ordinal))
                {
                    p.Kill(entireProcessTree: true);
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, "child ran too long");
            }
            Assert.True(p.WaitForExit(30_000), "killed child did not exit");
            Assert.True(line is not null, $"child ended before printing '{killAt}': {string.Join(" | ", seen)} {p.StandardError.ReadToEnd()}");
            Assert.NotEqual(0, p.ExitCode);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
    }

    private static JsonNode RunToEnd(string[] args, string dir)
    {
        using var p = Process.Start(MortalityFixture.Child(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "resumed child did not finish");
        Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {stdout.Result} {stderr.Result}");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "handover.json")))!;
    }

    [Theory]
    [InlineData("state serving", "serving", 400)]
    // Round 5: 5 of the 8 transfer batches collected, so no cut-over can come before the next check (round 10).
    [InlineData("round 5:", "distilling", 100)]
    [InlineData("state cut_over", "cut_over", 1500)]
    public void A_handover_killed_in_any_state_resumes_and_keeps_every_teacher_output(string killAtLine, string expectedState, int paceMs)
    {
        var dir = Path.Combine(fx.Root, "kill-" + expectedState);
        var journal = dir + ".db";
        // Paced so that each state lasts long enough for the kill to land in it, even on a loaded
        // machine: serving and cut over are a single paced step each, so they get a longer pace (the pace also follows
        // every distilling round, so it costs about ten times itself; 600 ms for cut over let the child reach
        // "retired" before the kill landed once, at a load average of 60).
        var args = fx.HandoverArgs(dir, journal, "--pace-ms", paceMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        RunAndKill(args, killAtLine);
        var atKill = Read(journal);
        Assert.Equal(expectedState, atKill.State);
        if (expectedState == "distilling") Assert.NotEmpty(atKill.Outputs);

        var json = RunToEnd(args, dir);
        Assert.Equal("retired", (string?)json["state"]);
        Assert.True((bool)json["resumed"]!);
        Assert.Equal(2, (int)json["attempts"]!);
        Assert.True((double)json["student_accuracy"]! > 0.5, $"student accuracy {json["student_accuracy"]}");

        var after = Read(journal);
        foreach (var (batch, (logits, attempt)) in atKill.Outputs)
        {
            Assert.True(after.Outputs.TryGetValue(batch, out var kept), $"batch {batch} was lost");
            Assert.Equal(logits, kept.Logits);
            Assert.Equal(attempt, kept.Attempt);
        }
        Assert.Equal(TransferExamples / QueryBatch, after.Outputs.Count);
        // Every transfer example was asked for; one batch at most twice (asked, killed before its answer was journaled).
        Assert.InRange((long)json["teacher_transfer_queries"]!, TransferExamples, TransferExamples + QueryBatch);
        Assert.Equal((long)json["teacher_transfer_queries"]! + (long)json["teacher_canary_queries"]!, (long)json["teacher_queries"]!);
    }

    /// <summary>
    /// Killed after "state retired" was journaled, before its outputs were written. Once "retired" is committed the
    /// child only writes handover.json and the student board, so a kill that lands then leaves exactly what a finished
    /// run leaves minus those files (and perhaps an atomic write's temporary file). That state is made here directly:
    /// a kill racing the last writes landed before or after them depending on the machine's load.
    /// </summary>
    [Fact]
    public void A_handover_killed_after_retiring_emits_its_student_again_on_rerun()
    {
        var dir = Path.Combine(fx.Root, "kill-retired");
        var journal = dir + ".db";
        var args = fx.HandoverArgs(dir, journal);
        var first = RunToEnd(args, dir);
        Assert.Equal("retired", (string?)first["state"]);
        var board = Path.Combine(dir, "student.board");
        Assert.True(File.Exists(board));
        var outputsBefore = Read(journal).Outputs;
        File.Delete(Path.Combine(dir, "handover.json"));
        File.Delete(board);
        File.WriteAllText(Path.Combine(dir, ".handover.json.99999-0badf00d.tmp"), "{\"half\":"); // what a kill mid-write may leave

        var json = RunToEnd(args, dir);
        Assert.Equal("retired", (string?)json["state"]);
        Assert.True((bool)json["resumed"]!);
        Assert.True(File.Exists(board), "the rerun did not emit the retired student again");
        // The same student (the journal's last checkpoint), scored again: equal up to the board's read noise.
        Assert.InRange((double)json["student_accuracy"]!, (double)first["student_accuracy"]! - 0.02, (double)first["student_accuracy"]! + 0.02);
        var after = Read(journal);
        Assert.Equal("retired", after.State);
        foreach (var (batch, (logits, attempt)) in outputsBefore)
        {
            Assert.True(after.Outputs.TryGetValue(batch, out var kept), $"batch {batch} was lost");
            Assert.Equal(logits, kept.Logits);
            Assert.Equal(attempt, kept.Attempt);
        }
    }

    [Fact]
    public void A_handover_killed_again_and_again_at_arbitrary_moments_still_finishes_with_nothing_lost()
    {
        var dir = Path.Combine(fx.Root, "kill-repeated");
        var journal = dir + ".db";
        var args = fx.HandoverArgs(dir, journal, "--pace-ms", "20");
        var kept = new Dictionary<long, byte[]>();
        int kills = 0;
        // Delays count from the moment the child's journal exists, not from process start: on a loaded machine
        // start-up alone can take seconds, and a child killed before its journal exists leaves nothing to resume.
        foreach (var delayMs in new[] { 300, 900, 1800 })
        {
            using var p = Process.Start(MortalityFixture.Child(args))!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            var startup = Stopwatch.StartNew();
            while (!p.HasExited && !JournalStarted(journal) && startup.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
            if (!p.WaitForExit(delayMs))
            {
                p.Kill(entireProcessTree: true);
                Assert.True(p.WaitForExit(30_000));
                kills++;
            }
            foreach (var (batch, (logits, _)) in Read(journal).Outputs)
            {
                if (kept.TryGetValue(batch, out var before)) Assert.Equal(before, logits);
                kept[batch] = logits;
            }
        }
        Assert.True(kills >= 1, "no run was killed: the handover finished too quickly to test");
        var json = RunToEnd(args, dir);
        Assert.Equal("retired", (string?)json["state"]);
        Assert.True((bool)json["resumed"]!);
        foreach (var (batch, logits) in kept) Assert.Equal(logits, Read(journal).Outputs[batch].Logits);
        Assert.InRange((long)json["teacher_transfer_queries"]!, TransferExamples, TransferExamples + kills * QueryBatch);
    }
}

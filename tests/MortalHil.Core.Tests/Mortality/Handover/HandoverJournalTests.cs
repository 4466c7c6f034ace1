using Microsoft.Data.Sqlite;
using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Core.Tests.Mortality.Handover;

public class HandoverJournalTests
{
    private static readonly Dictionary<string, string> Fp = new() { ["teacher"] = "simfile:a.json", ["seed"] = "1" };

    [Fact]
    public void Teacher_outputs_survive_reopening_bit_for_bit()
    {
        using var h = new HandoverHarness();
        var logits = Enumerable.Range(0, 30).Select(i => MathF.Sin(i) * 1e3f).ToArray();
        using (var j = HandoverJournal.Open(h.JournalPath, Fp)) j.AppendTeacherOutputs(0, 0, 3, 10, logits);
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
        {
            Assert.Equal(logits, j.TeacherOutputs().Single().Logits);
            Assert.True(j.Resumed);
            Assert.Equal(2, j.Attempt);
        }
    }

    [Fact]
    public void A_journal_is_refused_for_a_different_handover_naming_the_field()
    {
        using var h = new HandoverHarness();
        using (HandoverJournal.Open(h.JournalPath, Fp)) { }
        var e = Assert.Throws<InvalidDataException>(() => HandoverJournal.Open(h.JournalPath, new Dictionary<string, string>(Fp) { ["seed"] = "2" }));
        Assert.Contains("seed was '1', now '2'", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_journal_is_refused()
    {
        using var h = new HandoverHarness();
        File.WriteAllText(h.JournalPath, "this is not a database, just some text that is long enough to matter ..........................................");
        Assert.Throws<InvalidDataException>(() => HandoverJournal.Open(h.JournalPath, Fp));
    }

    [Fact]
    public void Journaled_outputs_cannot_be_rewritten_or_deleted()
    {
        using var h = new HandoverHarness();
        using (var j = HandoverJournal.Open(h.JournalPath, Fp)) j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f]);
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
            Assert.ThrowsAny<Exception>(() => j.AppendTeacherOutputs(0, 0, 1, 2, [3f, 4f]));
        using var db = new SqliteConnection($"Data Source={h.JournalPath};Pooling=False");
        db.Open();
        using var update = db.CreateCommand();
        update.CommandText = "UPDATE teacher_outputs SET count = 7";
        Assert.Throws<SqliteException>(() => update.ExecuteNonQuery());
        using var delete = db.CreateCommand();
        delete.CommandText = "DELETE FROM teacher_outputs";
        Assert.Throws<SqliteException>(() => delete.ExecuteNonQuery());
    }

    [Fact]
    public void The_journal_runs_in_wal_mode()
    {
        using var h = new HandoverHarness();
        using var j = HandoverJournal.Open(h.JournalPath, Fp);
        using var db = new SqliteConnection($"Data Source={h.JournalPath};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Only_forward_transitions_are_accepted()
    {
        using var h = new HandoverHarness();
        using var j = HandoverJournal.Open(h.JournalPath, Fp);
        Assert.Throws<InvalidOperationException>(() => j.Transition(HandoverState.Retired, "skip", TimeSpan.Zero));
        j.Transition(HandoverState.Distilling, "go", TimeSpan.Zero);
        Assert.Throws<InvalidOperationException>(() => j.Transition(HandoverState.Serving, "back", TimeSpan.Zero));
        j.Transition(HandoverState.CutOver, "ok", TimeSpan.FromHours(1));
        Assert.Equal(HandoverState.CutOver, j.State);
        Assert.Equal(2, j.Transitions().Count);
    }

    [Fact]
    public void Query_intents_count_over_all_attempts()
    {
        using var h = new HandoverHarness();
        using (var j = HandoverJournal.Open(h.JournalPath, Fp)) { j.RecordQueryIntent(QueryPurpose.Transfer, 0, 64); j.RecordQueryIntent(QueryPurpose.Canary, -1, 100); }
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
        {
            j.RecordQueryIntent(QueryPurpose.Transfer, 0, 64); // re-asked: the first answer was lost
            Assert.Equal(228, j.TeacherQueries());
            Assert.Equal(128, j.TeacherQueries(QueryPurpose.Transfer));
        }
    }

    [Fact]
    public void Student_boards_come_back_exactly_and_later_checkpoints_cost_only_their_changes()
    {
        using var h = new HandoverHarness();
        var rng = new Random(3);
        var board = new byte[2_000_000];
        rng.NextBytes(board); // incompressible "physics"
        // A later state: a few hundred bytes changed, and the header grew by 48 bytes (as a simulator's pulse ledger does).
        var changed = new byte[board.Length + 48];
        board.AsSpan(0, 100).CopyTo(changed);
        rng.NextBytes(changed.AsSpan(100, 48));
        board.AsSpan(100).CopyTo(changed.AsSpan(148));
        for (int i = 0; i < 1000; i++) changed[200 + rng.Next(changed.Length - 200)] ^= 0x5a;
        long sizeAfterFirst;
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
        {
            j.AppendCheckpoint(new HandoverCheckpoint(1, board, [1], TimeSpan.FromHours(1), 0.5, 0.9, 10, TimeSpan.Zero, 1));
            sizeAfterFirst = new FileInfo(h.JournalPath).Length + new FileInfo(h.JournalPath + "-wal").Length;
            j.AppendCheckpoint(new HandoverCheckpoint(2, changed, [2], null, 0.6, null, 20, TimeSpan.Zero, 2));
            long grown = new FileInfo(h.JournalPath).Length + new FileInfo(h.JournalPath + "-wal").Length - sizeAfterFirst;
            Assert.True(grown < 200_000, $"second checkpoint took {grown} bytes");
        }
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
        {
            var c = j.LatestCheckpoint()!;
            Assert.Equal(changed, c.StudentBoard);
            Assert.Equal(2, c.TrainerStep);
            Assert.Equal(TimeSpan.FromHours(1), j.LatestTeacherBoardTime());
        }
    }
}

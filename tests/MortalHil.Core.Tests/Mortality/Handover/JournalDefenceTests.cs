using Microsoft.Data.Sqlite;
using MortalHil.Core.Files;
using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Core.Tests.Mortality.Handover;

/// <summary>A journal defends itself: one process at a time, losses of its write-ahead log noticed, damaged blobs named.</summary>
public class JournalDefenceTests
{
    private static readonly Dictionary<string, string> Fp = new() { ["teacher"] = "simfile xxh64:0:1", ["seed"] = "1" };

    [Fact]
    public void A_second_opener_is_refused_naming_the_holder_and_the_lock_dies_with_the_holder()
    {
        using var h = new HandoverHarness();
        using (HandoverJournal.Open(h.JournalPath, Fp))
        {
            var e = Assert.Throws<FileLockedException>(() => HandoverJournal.Open(h.JournalPath, Fp));
            Assert.Contains($"process {Environment.ProcessId}", e.Message);
            Assert.Contains(h.JournalPath, e.Message);
        }
        using (HandoverJournal.Open(h.JournalPath, Fp)) { } // released on dispose
    }

    [Fact]
    public void A_journal_rolled_back_behind_its_commits_is_refused_instead_of_resumed()
    {
        using var h = new HandoverHarness();
        var backup = h.JournalPath + ".backup";
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
            for (int b = 0; b < 5; b++) j.AppendTeacherOutputs(b, b, 1, 2, [1f, 2f]);
        File.Copy(h.JournalPath, backup);
        using (var j = HandoverJournal.Open(h.JournalPath, Fp))
            for (int b = 5; b < 20; b++) j.AppendTeacherOutputs(b, b, 1, 2, [1f, 2f]);
        // What deleting J.db-wal does before a checkpoint: the main file holds an older state.
        File.Copy(backup, h.JournalPath, overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => HandoverJournal.Open(h.JournalPath, Fp));
        Assert.Contains("write-ahead log", e.Message);
    }

    [Fact]
    public void A_journal_emptied_behind_its_commits_is_refused_and_a_deleted_one_starts_over()
    {
        using var h = new HandoverHarness();
        using (var j = HandoverJournal.Open(h.JournalPath, Fp)) j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f]);
        File.Delete(h.JournalPath);
        Assert.Throws<InvalidDataException>(() => HandoverJournal.Open(h.JournalPath, Fp));
        HandoverJournal.Delete(h.JournalPath);
        using var fresh = HandoverJournal.Open(h.JournalPath, Fp);
        Assert.False(fresh.Resumed);
    }

    [Fact]
    public void A_damaged_blob_names_the_journal()
    {
        using var h = new HandoverHarness();
        using (var j = HandoverJournal.Open(h.JournalPath, Fp)) j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f]);
        using (var db = new SqliteConnection($"Data Source={h.JournalPath};Pooling=False"))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = "DROP TRIGGER no_update_outputs; UPDATE teacher_outputs SET logits = x'0102030405060708';";
            cmd.ExecuteNonQuery();
        }
        using var again = HandoverJournal.Open(h.JournalPath, Fp);
        var e = Assert.Throws<InvalidDataException>(() => again.TeacherOutputs());
        Assert.Contains(h.JournalPath, e.Message);
    }
}

using System.Text.Json.Nodes;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Host.Cli;
using MortalHil.Host.Tests.Mortality;
using static MortalHil.Host.Tests.Robustness.CliHarness;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>A finished handover never loses its student; a journal is used by one process and one teacher only.</summary>
public sealed class HandoverOutputTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    private JsonNode Json(string dir) => JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "handover.json")))!;

    [Fact]
    public void A_rerun_of_a_retired_handover_emits_its_student_again_and_counts_one_more_attempt_only()
    {
        var dir = Path.Combine(fx.Root, "reemit");
        var journal = Path.Combine(fx.Root, "reemit.db");
        var first = Run(fx.HandoverArgs(dir, journal));
        Assert.True(first.Code == 0, first.ToString());
        // As if killed right after "state retired", or as if the outputs could not be written then.
        foreach (var f in Directory.GetFiles(dir)) File.Delete(f);
        var again = Run(fx.HandoverArgs(dir, journal));
        Assert.True(again.Code == 0, again.ToString());
        var json = Json(dir);
        Assert.Equal("retired", (string?)json["state"]);
        Assert.NotNull((string?)json["student_board"]);
        Assert.True(File.Exists(Path.Combine(dir, "student.board")) && File.Exists(Path.Combine(dir, "student.board.net.json")));
        Assert.Equal(2, (int)json["attempts"]!);
        Assert.True((double)json["student_accuracy"]! > 0.5);
    }

    [Fact]
    public void A_different_teacher_at_the_same_path_is_refused_and_the_same_teacher_by_another_path_is_accepted()
    {
        var teacherDir = Path.Combine(fx.Root, "teachers");
        Directory.CreateDirectory(teacherDir);
        var teacher = Path.Combine(teacherDir, "t.board");
        File.Copy(fx.TeacherFile, teacher, overwrite: true);
        File.Copy(fx.TeacherFile + ".net.json", teacher + ".net.json", overwrite: true);
        var dir = Path.Combine(fx.Root, "fingerprint");
        var journal = Path.Combine(fx.Root, "fingerprint.db");
        string[] With(string t) => [.. fx.HandoverArgs(dir, journal).Select(a => a == "simfile:" + fx.TeacherFile ? "simfile:" + t : a)];
        Assert.Equal(0, Run(With(teacher)).Code);

        // The same content under another name: the same handover.
        var copy = Path.Combine(fx.Root, "t-copy.board");
        File.Copy(teacher, copy, overwrite: true);
        File.Copy(teacher + ".net.json", copy + ".net.json", overwrite: true);
        Assert.Equal(0, Run(With(copy)).Code);

        // Another teacher at the first path: refused, naming the field.
        using (var board = MortalHil.Sim.SimulatedBoard.Load(teacher))
        {
            board.AdvanceTime(TimeSpan.FromDays(1));
            board.Save(teacher);
        }
        AssertRefused(Run(With(teacher)), ExitCodes.BadInput, "teacher was");
    }

    [Fact]
    public void A_handover_on_a_journal_held_by_another_process_is_refused_naming_the_holder()
    {
        var journal = Path.Combine(fx.Root, "held.db");
        using var held = HandoverJournal.Open(journal, new Dictionary<string, string> { ["x"] = "y" });
        var o = Run(fx.HandoverArgs(Path.Combine(fx.Root, "held"), journal));
        AssertRefused(o, ExitCodes.IoFailure, $"process {Environment.ProcessId}");
    }

    [Fact]
    public void A_run_store_refuses_a_handover_journal_and_adds_no_table_to_it()
    {
        var journal = Path.Combine(fx.Root, "not-a-store.db");
        using (HandoverJournal.Open(journal, new Dictionary<string, string> { ["x"] = "y" })) { }
        var o = Run("train", "--algo", "bp-digital", "--dataset", "idx:" + fx.DataDir, "--downsample", "4", "--shape", "49-8-10", "--epochs", "1",
            "--out", Path.Combine(fx.Root, "store-out"), "--db", journal);
        AssertRefused(o, ExitCodes.BadInput, "handover journal");
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'runs'";
        Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
    }

    [Theory]
    [InlineData("folder")]
    [InlineData("garbage")]
    public void A_run_store_that_is_a_folder_or_garbage_is_one_line_naming_it(string kind)
    {
        var db = Path.Combine(fx.Root, "bad-store-" + kind);
        if (kind == "folder") Directory.CreateDirectory(db);
        else File.WriteAllBytes(db, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());
        var o = Run("runs", "--db", db);
        AssertClean(o);
        Assert.NotEqual(0, o.Code);
        Assert.Contains(db, o.Err);
    }
}

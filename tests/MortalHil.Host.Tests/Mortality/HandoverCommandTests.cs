using System.Text.Json.Nodes;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests.Mortality;

public class HandoverCommandTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    [Fact]
    public void A_handover_writes_the_student_accuracy_the_queries_and_whether_it_resumed()
    {
        var dir = Path.Combine(fx.Root, "plain");
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), fx.HandoverArgs(dir, Path.Combine(fx.Root, "plain.db")), err);
        Assert.True(code == 0, err.ToString());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "handover.json")))!;
        Assert.Equal("retired", (string?)json["state"]);
        Assert.False((bool)json["resumed"]!);
        Assert.True((double)json["student_accuracy"]! >= 0.8 * fx.TeacherAccuracy, $"student {json["student_accuracy"]}, teacher {fx.TeacherAccuracy}");
        Assert.Equal(256 + (long)json["teacher_canary_queries"]!, (long)json["teacher_queries"]!);
        Assert.True(File.Exists(Path.Combine(dir, "student.board")));
    }

    [Fact]
    public void A_student_that_cannot_reach_the_teacher_within_the_budget_is_a_failed_handover_with_its_cause()
    {
        var dir = Path.Combine(fx.Root, "unreachable");
        var err = new StringWriter();
        // No student of 24 steps (at most 48 with the extension) matches its teacher within a tenth of a point.
        var args = fx.HandoverArgs(dir, Path.Combine(fx.Root, "unreachable.db"), "--extra-student-budget", "1");
        args[Array.IndexOf(args, "--steps") + 1] = "24";
        args[Array.IndexOf(args, "--knowledge-budget") + 1] = "0.001";
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        Assert.Equal(1, code);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "handover.json")))!;
        Assert.Equal("failed", (string?)json["state"]);
        Assert.StartsWith("student did not reach the teacher within the knowledge budget", (string?)json["reason"]);
        Assert.Equal(48, (int)json["max_student_steps"]!);
        Assert.Equal(48, (long)json["student_steps"]!);
        Assert.Null(json["student_accuracy"]);
        Assert.False(File.Exists(Path.Combine(dir, "student.board")));
    }
}

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
}

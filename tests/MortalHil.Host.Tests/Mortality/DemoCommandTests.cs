using MortalHil.Host.Commands.Mortality;

namespace MortalHil.Host.Tests.Mortality;

public class DemoCommandTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    [Fact]
    public void The_demo_runs_end_to_end_in_a_small_configuration_and_reports_every_number()
    {
        var dir = Path.Combine(fx.Root, "demo");
        var result = DemoCommand.Run(new DemoSettings
        {
            OutDir = dir, BoardKind = DemoBoardKind.PerLayer, Preset = fx.AgeingPresetFile, Dataset = "idx:" + fx.DataDir, Shape = "49-16-10", TeacherSerial = "3", StudentSerial = "4",
            TeacherEpochs = 2, StudentSteps = 400, Transfer = 512, Batch = 16, Test = 600, TimelineTest = 200, Canary = 200, Temperature = 2,
            AgeStepDays = 30, MaxYears = 30, HoursPerRound = 1, Quiet = true,
            // A loose knowledge budget for the cut-over check: this tiny student cannot match its teacher within a point.
            Policy = new Core.Mortality.Lifecycle.LifecyclePolicy { KnowledgeBudget = 0.6 },
        });
        var j = result.Json;
        Assert.Equal("HandedOver", (string?)j["outcome"]);
        foreach (var key in new[] { "teacher_best", "teacher_at_death", "student", "copied", "labels_only", "teacher_queries", "handover_sim_hours" })
            Assert.True(j[key] is not null, $"demo.json lacks {key}");
        // A pipeline test on a tiny board and budget, not the accuracy claim (that is the CLI's): the student learned, without labels.
        Assert.True((double)j["student"]! > 0.3, $"student {j["student"]}");
        Assert.True((double)j["handover_sim_hours"]! > 0);
        // The predictor called before the board wore out (it dies of age at about 23 years).
        Assert.True((double)j["handover_called_at_years"]! < (double?)j["teacher_died_at_years"] || j["teacher_died_at_years"] is null);
        Assert.True(File.Exists(Path.Combine(dir, "demo.json")));
        Assert.True(new FileInfo(Path.Combine(dir, "timeline.png")).Length > 10_000);
    }
}

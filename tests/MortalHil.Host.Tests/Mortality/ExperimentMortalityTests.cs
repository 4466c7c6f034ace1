using MortalHil.Host.Commands.Mortality;

namespace MortalHil.Host.Tests.Mortality;

public class ExperimentMortalityTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    [Fact]
    public void Every_part_of_the_mortality_experiment_runs_in_a_small_configuration_and_no_journal_is_left_behind()
    {
        var dir = Path.Combine(fx.Root, "experiment-mortality");
        var j = ExperimentMortalityCommand.Run(new ExperimentMortalityCommand.Settings
        {
            OutDir = dir, Preset = fx.PresetFile, Dataset = "idx:" + fx.DataDir, Shape = "49-16-10", TeacherSerial = "3", StudentSerials = ["5", "6"],
            TeacherEpochs = 2, StudentSteps = 160, Transfer = 512, Batch = 16, Test = 600, Canary = 200, Generations = 2, Parallel = 2,
            // A loose knowledge budget: this tiny student cannot match its teacher (a pipeline test, not the accuracy claim).
            Policy = new Core.Mortality.Lifecycle.LifecyclePolicy { KnowledgeBudget = 0.6 },
        });
        var rows = j["copy_vs_distill"]!["rows"]!.AsArray();
        Assert.Equal(["5", "6"], rows.Select(r => (string)r!["serial"]!));
        foreach (var r in rows)
        {
            Assert.InRange((double)r!["copied"]!, 0, 1);
            Assert.True((double)r["distilled"]! > 0.2, $"student {r["serial"]} distilled to {r["distilled"]}");
        }
        foreach (var key in new[] { "soft", "teacher_hard", "true_labels" }) Assert.InRange((double)j["lessons"]![key]!, 0, 1);
        // A soft distribution carries more than a label can (log2 10 = 3.32 bits).
        Assert.True((double)j["lessons"]!["soft_information_bits_per_example"]! > (double)j["lessons"]!["hard_label_bits_per_example"]!);
        Assert.InRange((double)j["omitted_class"]!["student_digit_accuracy_before"]!, 0, 1);
        Assert.Equal(3, j["generations"]!.AsArray().Count); // the teacher and two generations of students
        Assert.True(File.Exists(Path.Combine(dir, "mortality.json")));
        Assert.True(new FileInfo(Path.Combine(dir, "generations.png")).Length > 10_000);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "journals"))); // deleted once each handover retired (--keep-journals keeps them)
    }
}

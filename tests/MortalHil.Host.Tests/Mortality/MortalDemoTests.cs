using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Host.Cli;
using MortalHil.Host.Commands.Mortality;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests.Mortality;

/// <summary>The demo on a mortal board (an analog chain), through the same lifecycle as on a per-layer board.</summary>
public class MortalDemoTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    /// <summary>The reram-mortal physics on a 49(+bias)->16->10 chain, ageing as the fixture's tiny board (3 % of cells stick per year).</summary>
    private string TinyMortalPreset()
    {
        var file = Path.Combine(fx.Root, "tiny-mortal.json");
        var p = MortalPresets.Sized(MortalPresets.ReRamMortal, 49, 16, 10, 0);
        File.WriteAllText(file, DevicePresetJson.Serialize(p with { Name = "tiny-mortal", Ageing = MortalityFixture.AgeingPreset.Ageing }));
        return file;
    }

    private DemoSettings Small(string dir, DemoBoardKind kind, string preset) => new()
    {
        OutDir = dir, BoardKind = kind, Preset = preset, ShapeFromChain = kind == DemoBoardKind.Mortal, Dataset = "idx:" + fx.DataDir, Shape = "49-16-10",
        TeacherSerial = "3", StudentSerial = "4", TeacherEpochs = 2, StudentSteps = 600, Transfer = 1024, Batch = 16, Test = 600, TimelineTest = 200,
        Canary = 200, Temperature = 1, AgeStepDays = 60, MaxYears = 5, HoursPerRound = 1, Quiet = true,
        // A loose knowledge budget for the cut-over check: this tiny student cannot match its teacher within a point.
        Policy = new LifecyclePolicy { KnowledgeBudget = 0.3 },
    };

    [Fact]
    public void A_mortal_demo_trains_hands_over_and_reports_energy_per_inference_from_the_chain_ledger()
    {
        var dir = Path.Combine(fx.Root, "demo-mortal");
        var j = DemoCommand.Run(Small(dir, DemoBoardKind.Mortal, TinyMortalPreset())).Json;
        Assert.Equal("mortal", (string?)j["board_kind"]);
        Assert.Equal("49-16-10", (string?)j["shape"]); // the chain's, asked of the board
        Assert.Equal("HandedOver", (string?)j["outcome"]);
        Assert.True((double)j["teacher_best"]! > 0.5, $"teacher {j["teacher_best"]}");
        // Chance is 0.1; this tiny student reached 0.335 (teacher 0.71) in its 600 steps.
        Assert.True((double)j["student"]! > 0.25, $"student {j["student"]}, teacher {j["teacher_best"]}");
        Assert.NotNull(j["copied"]);
        // The copy onto the student's chain says how close it came: every cell of the main layers measured against its target.
        var copy = j["copy_programming"]!;
        Assert.Equal((49 + 1) * 2 * 16 + (16 + 1) * 2 * 10, (int)copy["cells"]!);
        Assert.InRange((int)copy["cells_within_tolerance"]!, 1, (int)copy["cells"]!);
        Assert.True((long)copy["pulses"]! > 0);
        Assert.NotNull(j["labels_only"]);
        foreach (var who in new[] { "teacher", "student" })
        {
            var w = j["per_inference"]![who]!;
            // A chain inference converts only at the end: output ADC conversions, no per-layer ADC conversions, one neuron evaluation per hidden unit.
            Assert.True((double)w["chain_adc_conversions"]! > 0, $"{who}: {w}");
            Assert.Equal(0.0, (double)w["adc_conversions"]!);
            Assert.Equal(16.0, (double)w["neuron_evaluations"]!, 3);
            var e = w["energy_joules"]!;
            Assert.True((double)e["total"]! > 0);
            Assert.Equal((double)e["total"]!, (double)e["converters"]! + (double)e["injection"]! + (double)e["array"]! + (double)e["neurons"]! + (double)e["programming"]!, 1e-15);
            Assert.True((double)w["board_seconds"]! > 0);
        }
        foreach (var who in new[] { "teacher", "student" })
        {
            // A training step is a minibatch of perturbed reads and pulses: it costs more than one inference, and it programs cells.
            var step = j["per_training_step"]![who]!;
            double stepJoules = (double)step["energy_joules"]!["total"]!, inferenceJoules = (double)j["per_inference"]![who]!["energy_joules"]!["total"]!;
            Assert.True(stepJoules > 4 * inferenceJoules, $"{who}: step {stepJoules} J, inference {inferenceJoules} J");
            Assert.True((double)step["pulses"]! > 0, $"{who}: {step}");
        }
        Assert.True(File.Exists(Path.Combine(dir, "student.board.net.json")));
    }

    [Fact]
    public void A_board_of_the_wrong_kind_is_refused_before_any_work()
    {
        var perLayerOnChain = Assert.Throws<CliUsageException>(() => DemoCommand.Run(Small(Path.Combine(fx.Root, "wrong-1"), DemoBoardKind.PerLayer, TinyMortalPreset())));
        Assert.Contains("--board-kind mortal", perLayerOnChain.Message);
        var mortalWithoutChain = Assert.Throws<CliUsageException>(() => DemoCommand.Run(Small(Path.Combine(fx.Root, "wrong-2"), DemoBoardKind.Mortal, fx.AgeingPresetFile)));
        Assert.Contains("no analog chain", mortalWithoutChain.Message);
        var wrongShape = Assert.Throws<CliUsageException>(() => DemoCommand.Run(Small(Path.Combine(fx.Root, "wrong-3"), DemoBoardKind.Mortal, TinyMortalPreset())
            with { ShapeFromChain = false, Shape = "49-32-10" }));
        Assert.Contains("49-16-10", wrongShape.Message);
    }
}

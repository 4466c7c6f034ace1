using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Host.Commands.Mortality;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests.Mortality;

/// <summary>A simulated teacher that dies of old age in the middle of a handover, with real boards on both sides.</summary>
public class TeacherDeathTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    [Fact]
    public void A_simulated_teacher_dying_mid_handover_still_yields_a_student_from_what_was_collected()
    {
        // Ideal physics on small tiles; a Weibull life of 10 simulated hours with shape 20 (the most the preset allows), so the board dies
        // within 9 to 11 h of its clock: after about 10 one-hour rounds, while half the transfer set is still unasked.
        var shortLived = MortalityFixture.AgeingPreset with
        {
            Name = "tiny-short-lived",
            Ageing = MortalityFixture.AgeingPreset.Ageing with { StuckPerCellPerYear = 0, LifetimeYears = 10.0 / (365.25 * 24), LifetimeShape = 20 },
        };
        var data = MnistForBoards.Load("idx:" + fx.DataDir, 4, null, TextWriter.Null);
        var shape = NetworkShape.Parse("49-16-10");
        var teacher = TeacherSchool.Train(new SimBoardSupply(shortLived), "T", shape, "np", data.Train, 2500, 300, 16, 1);
        var studentBoards = new SimBoardSupply(BuiltInPresets.Ideal with { Geometry = shortLived.Geometry });
        var fresh = TeacherSchool.Fresh(studentBoards, "S", shape, "np", data.Train.Pixels, 128, 1);
        var student = new BoardNetwork(fresh.Board, fresh.Network);
        var test = MnistForBoards.Labelled(data.Test, 0, 600);
        double before = ClassifierEvaluation.Accuracy(student.Network, test);
        var plan = new HandoverPlan
        {
            TransferExamples = 640, QueryBatch = 32, TrainBatch = 16, StudentSteps = 300, StepsPerRound = 10, EvaluateEveryRounds = 5,
            Temperature = 2, BoardTimePerRound = TimeSpan.FromHours(1), Seed = 2,
        };
        var transfer = new TransferSet(MnistForBoards.Unlabelled(data.Train, 0, 2500), data.Features, plan.TransferExamples, 1);
        var canary = MnistForBoards.Labelled(data.Train, 2800, 200);
        var setup = new LifecycleSetup
        {
            Boards = studentBoards, Shape = shape, Algo = "np", Canary = canary, Transfer = transfer, Sample = data.Train.Pixels, SampleCount = 128,
            Plan = plan, StudentLearningRate = 0.3f,
        };
        // The plan as given (unverified): this test is about what a dying teacher leaves behind, not about verification.
        var outcome = HandoverLifecycle.Distil(setup, new BoardNetwork(teacher.Board, teacher.Network), student, Path.Combine(fx.Root, "teacher-death.db"), "test",
            plan: plan);
        var r = outcome.Result;
        Assert.True(r.TeacherDied);
        Assert.True(((MortalHil.Sim.SimulatedBoard)teacher.Board).IsDead);
        Assert.Equal(HandoverState.Retired, r.State);
        Assert.InRange(r.CollectedExamples, 5 * 32, 15 * 32); // some, not all, of the 20 batches
        Assert.Equal(plan.StudentSteps, r.StudentSteps);
        Assert.Contains("teacher died", r.Reason);
        double after = ClassifierEvaluation.Accuracy(outcome.Student.Network, test);
        Assert.True(after > 0.3 && after > before + 0.15, $"student went from {before:P1} to {after:P1} on what was collected");
    }
}

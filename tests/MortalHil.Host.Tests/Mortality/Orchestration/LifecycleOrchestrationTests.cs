using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Host.Commands.Mortality;
using MortalHil.Sim;
using MortalHil.Sim.Presets;
using Moq;

namespace MortalHil.Host.Tests.Mortality.Orchestration;

/// <summary>
/// Core's one lifecycle orchestration (<see cref="HandoverLifecycle"/>) driven with Moq: boards supplied and kept by mocks, a teacher
/// or student board that fails at a chosen call, a clock that jumps. Real simulated boards underneath, small sizes, fixed seeds.
/// </summary>
public class LifecycleOrchestrationTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    private static readonly DevicePreset Tiny = BuiltInPresets.Ideal with { Name = "tiny-ideal", Geometry = new GeometrySpec { Tiles = 2, Rows = 64, Columns = 64 } };
    private static readonly NetworkShape Shape = NetworkShape.Parse("49-16-10");

    /// <summary>The fixture's trained teacher, its board seen through <paramref name="calls"/>.</summary>
    private BoardNetwork Teacher(IBoardCalls calls, double readNoisePerYear = 0)
    {
        var device = new ObservedDevice(SimulatedBoard.Load(fx.TeacherFile), calls) { ReadNoisePerYear = readNoisePerYear };
        return new BoardNetwork(device, MappedNetworkStore.Load(device, BoardBundle.NetworkPath(fx.TeacherFile)));
    }

    private static IDevice Unwrap(IDevice d) => d is ObservedDevice o ? o.Inner : d;

    /// <summary>A keeper that keeps and ages simulated boards as the real one does, seen through Moq.</summary>
    private static Mock<IBoardKeeper> Keeper()
    {
        var keeper = new Mock<IBoardKeeper>(MockBehavior.Strict);
        keeper.Setup(k => k.Save(It.IsAny<IDevice>())).Returns((IDevice d) => SimBoardKeeper.Instance.Save(Unwrap(d)));
        keeper.Setup(k => k.AdvanceClock(It.IsAny<IDevice>(), It.IsAny<TimeSpan>()))
            .Callback((IDevice d, TimeSpan dt) => SimBoardKeeper.Instance.AdvanceClock(Unwrap(d), dt));
        return keeper;
    }

    /// <summary>A supply of tiny ideal student boards, each seen through <paramref name="studentCalls"/>.</summary>
    private static Mock<IBoardSupply> Supply(IBoardCalls studentCalls, Mock<IBoardKeeper> keeper, bool pulsesLost = false)
    {
        var supply = new Mock<IBoardSupply>(MockBehavior.Strict);
        supply.Setup(s => s.Make(It.IsAny<string>())).Returns((string serial) => new ObservedDevice(SimulatedBoard.Create(Tiny, serial), studentCalls) { PulsesLost = pulsesLost });
        supply.Setup(s => s.Restore(It.IsAny<byte[]>())).Returns((byte[] b) => new ObservedDevice(SimBoardKeeper.FromBytes(b), studentCalls) { PulsesLost = pulsesLost });
        supply.SetupGet(s => s.Keeper).Returns(keeper.Object);
        return supply;
    }

    private LifecycleSetup Setup(IBoardSupply boards, LifecyclePolicy policy)
    {
        var data = MnistForBoards.Load("idx:" + fx.DataDir, 4, null, TextWriter.Null);
        var plan = new HandoverPlan
        {
            TransferExamples = 256, QueryBatch = 32, TrainBatch = 16, StudentSteps = 120, StepsPerRound = 12, EvaluateEveryRounds = 5,
            Temperature = 2, BoardTimePerRound = TimeSpan.FromHours(1), ServeRequestsPerRound = 0, Seed = 3,
        };
        return new LifecycleSetup
        {
            Boards = boards, Shape = Shape, Algo = "np", Canary = MnistForBoards.Labelled(data.Train, 2800, 200),
            Transfer = new TransferSet(MnistForBoards.Unlabelled(data.Train, 0, 2500), data.Features, plan.TransferExamples, 1),
            Sample = data.Train.Pixels, SampleCount = 128, Plan = plan, Policy = policy, StudentLearningRate = 0.3f,
        };
    }

    private static long CallsSoFar(Mock<IBoardCalls> calls, string name) =>
        calls.Invocations.Count(i => i.Method.Name == nameof(IBoardCalls.Before) && (string?)i.Arguments[0] == name);

    private string Journal(string name) => Path.Combine(fx.Root, "orchestration-" + name + ".db");

    [Fact]
    public void A_student_board_that_dies_at_a_chosen_pulse_call_is_a_failed_handover_with_its_cause_and_is_never_pulsed_again()
    {
        var teacherCalls = new Mock<IBoardCalls>();
        var studentCalls = new Mock<IBoardCalls>();
        var keeper = Keeper();
        var setup = Setup(Supply(studentCalls.Object, keeper).Object, new LifecyclePolicy { KnowledgeBudget = 0.2 });
        var student = HandoverLifecycle.FreshStudent(setup, "S1");
        long dies = CallsSoFar(studentCalls, nameof(IDevice.ApplyCellPulses)) + 40; // mapping pulsed it already; the 40th pulse call of the lesson kills it
        studentCalls.Setup(c => c.Before(nameof(IDevice.ApplyCellPulses), dies)).Throws(new DeviceFailedException("injected: student died at a chosen pulse call"));

        var outcome = HandoverLifecycle.Distil(setup, Teacher(teacherCalls.Object), student, Journal("student-dies"), "test: student dies");

        Assert.False(outcome.HandedOver);
        Assert.Equal(HandoverState.Failed, outcome.Result.State);
        Assert.Contains("student board", outcome.Result.Reason);
        Assert.Contains("injected: student died at a chosen pulse call", outcome.Result.Reason);
        Assert.True(outcome.Result.CollectedExamples > 0, "the teacher's answers before the death are kept");
        studentCalls.Verify(c => c.Before(nameof(IDevice.ApplyCellPulses), dies), Times.Once);
        studentCalls.Verify(c => c.Before(nameof(IDevice.ApplyCellPulses), It.Is<long>(i => i > dies)), Times.Never);
    }

    [Fact]
    public void A_teacher_board_that_dies_at_its_first_read_is_a_failed_handover_that_never_asks_it_again()
    {
        var teacherCalls = new Mock<IBoardCalls>();
        var studentCalls = new Mock<IBoardCalls>();
        var setup = Setup(Supply(studentCalls.Object, Keeper()).Object, new LifecyclePolicy { KnowledgeBudget = 0.2 });
        var teacher = Teacher(teacherCalls.Object);
        var student = HandoverLifecycle.FreshStudent(setup, "S2");
        long first = CallsSoFar(teacherCalls, nameof(IDevice.Read)) + 1;
        teacherCalls.Setup(c => c.Before(nameof(IDevice.Read), first)).Throws(new DeviceFailedException("injected: teacher died at its first read"));
        long studentPulsesBefore = CallsSoFar(studentCalls, nameof(IDevice.ApplyCellPulses));

        var outcome = HandoverLifecycle.Distil(setup, teacher, student, Journal("teacher-dies"), "test: teacher dies");

        Assert.Equal(HandoverState.Failed, outcome.Result.State);
        Assert.True(outcome.Result.TeacherDied);
        Assert.Equal("teacher died before teaching anything", outcome.Result.Reason);
        Assert.Equal(0, outcome.Result.CollectedExamples);
        teacherCalls.Verify(c => c.Before(nameof(IDevice.Read), It.Is<long>(i => i > first)), Times.Never);
        Assert.Equal(studentPulsesBefore, CallsSoFar(studentCalls, nameof(IDevice.ApplyCellPulses))); // nothing to teach: the student was not pulsed
    }

    [Fact]
    public void A_student_that_cannot_reach_its_teacher_keeps_distilling_to_its_extended_budget_then_fails_with_the_cause()
    {
        var studentCalls = new Mock<IBoardCalls>();
        // The student's pulses never reach its cells: it cannot learn, so it cannot come within the budget of its teacher.
        var setup = Setup(Supply(studentCalls.Object, Keeper(), pulsesLost: true).Object, new LifecyclePolicy { KnowledgeBudget = 0.2, ExtraStudentBudget = 0.5 });
        var student = HandoverLifecycle.FreshStudent(setup, "S3");

        var outcome = HandoverLifecycle.Distil(setup, Teacher(new Mock<IBoardCalls>().Object), student, Journal("unreachable"), "test: unreachable");

        Assert.False(outcome.HandedOver);
        Assert.Equal(HandoverState.Failed, outcome.Result.State);
        Assert.StartsWith("student did not reach the teacher within the knowledge budget", outcome.Result.Reason);
        Assert.Equal(setup.VerifiedPlan.MaxStudentSteps, outcome.Result.StudentSteps);
        Assert.Equal(180, setup.VerifiedPlan.MaxStudentSteps);
        Assert.DoesNotContain(outcome.Result.Transitions, t => t.To == HandoverState.CutOver);
    }

    [Fact]
    public void A_clock_that_jumps_past_the_preventive_age_calls_the_handover_at_the_next_check()
    {
        var keeper = Keeper();
        int advances = 0;
        // The third step of 30 days takes five years (a host that slept, a clock that was set).
        keeper.Setup(k => k.AdvanceClock(It.IsAny<IDevice>(), It.IsAny<TimeSpan>()))
            .Callback((IDevice d, TimeSpan dt) => SimBoardKeeper.Instance.AdvanceClock(Unwrap(d), ++advances == 3 ? TimeSpan.FromDays(5 * 365.25) : dt));
        var policy = new LifecyclePolicy { PreventiveAge = TimeSpan.FromDays(2 * 365.25) };
        var setup = Setup(Supply(new Mock<IBoardCalls>().Object, keeper).Object, policy);
        var teacher = Teacher(new Mock<IBoardCalls>().Object);
        var watch = HandoverLifecycle.Watch(teacher.Network, setup, healthyCanary: TeacherSchool.Accuracy(teacher.Network, setup.Canary));
        var start = teacher.Board.ReadHealth().Uptime;

        var life = HandoverLifecycle.Serve(teacher, watch, keeper.Object, TimeSpan.FromDays(30), start + TimeSpan.FromDays(20 * 365.25));

        Assert.Equal(ServiceEnd.HandoverCalled, life.End);
        Assert.StartsWith("preventive age", life.Call!.Reason);
        Assert.True(life.BoardTime >= start + TimeSpan.FromDays(5 * 365.25), $"called at {life.BoardTime}");
        keeper.Verify(k => k.AdvanceClock(teacher.Board, It.IsAny<TimeSpan>()), Times.Exactly(3));
    }

    [Fact]
    public void A_clock_that_jumps_past_a_boards_death_ends_its_service_as_a_death_with_the_boards_words()
    {
        var keeper = Keeper();
        keeper.Setup(k => k.AdvanceClock(It.IsAny<IDevice>(), It.IsAny<TimeSpan>()))
            .Callback((IDevice d, TimeSpan _) => SimBoardKeeper.Instance.AdvanceClock(Unwrap(d), TimeSpan.FromDays(40 * 365.25)));
        var setup = Setup(Supply(new Mock<IBoardCalls>().Object, keeper).Object, new LifecyclePolicy());
        // A board of the ageing preset dies when half its cells are stuck (about 23 years at 3 % a year).
        var board = new ObservedDevice(SimulatedBoard.Create(MortalityFixture.AgeingPreset, "old"), new Mock<IBoardCalls>().Object);
        var net = OnChipTraining.Map(board, Shape, "np", setup.Sample, setup.SampleCount, 1);
        var serving = new BoardNetwork(board, net);
        var watch = HandoverLifecycle.Watch(net, setup, healthyCanary: 0.5);

        var life = HandoverLifecycle.Serve(serving, watch, keeper.Object, TimeSpan.FromDays(30), TimeSpan.FromDays(100 * 365.25));

        Assert.Equal(ServiceEnd.Died, life.End);
        Assert.False(string.IsNullOrWhiteSpace(life.Death));
        Assert.True(((SimulatedBoard)board.Inner).IsDead);
        keeper.Verify(k => k.AdvanceClock(It.IsAny<IDevice>(), It.IsAny<TimeSpan>()), Times.Once);
    }

    /// <summary>Board years at which the lifecycle calls the handover of a teacher whose reads get noisier by <paramref name="noisePerYear"/>.</summary>
    private double? CallYears(double noisePerYear)
    {
        var keeper = Keeper();
        var setup = Setup(Supply(new Mock<IBoardCalls>().Object, keeper).Object, new LifecyclePolicy { KnowledgeBudget = 0.05, Margin = TimeSpan.FromDays(30) });
        var teacher = Teacher(new Mock<IBoardCalls>().Object, noisePerYear);
        var start = teacher.Board.ReadHealth().Uptime;
        var watch = HandoverLifecycle.Watch(teacher.Network, setup);
        var life = HandoverLifecycle.Serve(teacher, watch, keeper.Object, TimeSpan.FromDays(30), start + TimeSpan.FromDays(10 * 365.25));
        return life.End == ServiceEnd.HandoverCalled ? (life.BoardTime - start).TotalDays / 365.25 : null;
    }

    [Fact]
    public void The_knowledge_budget_calls_the_handover_earlier_on_a_steeper_decline()
    {
        double? gentle = CallYears(0.2), steep = CallYears(0.8);
        Assert.NotNull(steep);
        Assert.NotNull(gentle);
        Assert.True(steep < gentle, $"steep decline called at {steep:F2} years, gentle at {gentle:F2}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_first_health_check_is_taken_as_the_board_starts_serving_before_it_ages_when_the_policy_says_so(bool atCommissioning)
    {
        var keeper = Keeper();
        var setup = Setup(Supply(new Mock<IBoardCalls>().Object, keeper).Object, new LifecyclePolicy { CheckAtCommissioning = atCommissioning });
        var teacher = Teacher(new Mock<IBoardCalls>().Object);
        var start = teacher.Board.ReadHealth().Uptime;
        var watch = HandoverLifecycle.Watch(teacher.Network, setup);
        Assert.Equal(atCommissioning, watch.CommissioningCheckDue);

        var life = HandoverLifecycle.Serve(teacher, watch, keeper.Object, TimeSpan.FromDays(30), start + TimeSpan.FromDays(60));

        var times = watch.Series.Samples.Select(x => (x.BoardTime - start).TotalDays).ToList();
        Assert.True(life.End == ServiceEnd.Horizon, $"service ended {life.End} ({life.Death ?? life.Call?.Reason}) at days [{string.Join(", ", times)}]");
        keeper.Verify(k => k.AdvanceClock(teacher.Board, TimeSpan.FromDays(30)), Times.Exactly(2));
        Assert.Equal(atCommissioning ? new double[] { 0, 30, 60 } : new double[] { 30, 60 }, times);
        Assert.False(watch.CommissioningCheckDue);
        // A watch told the healthy level needs no baseline, so no commissioning check.
        Assert.False(HandoverLifecycle.Watch(teacher.Network, setup, healthyCanary: 0.9).CommissioningCheckDue);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_board_that_loses_its_knowledge_in_its_first_weeks_is_called_at_its_first_check_when_its_healthy_level_is_read_at_commissioning(bool atCommissioning)
    {
        var keeper = Keeper();
        var policy = new LifecyclePolicy { KnowledgeBudget = 0.02, CheckAtCommissioning = atCommissioning, BaselineAtCommissioning = atCommissioning };
        var setup = Setup(Supply(new Mock<IBoardCalls>().Object, keeper).Object, policy);
        // Reads lose their faithfulness with age, fast (outputs scatter by 25 % after 30 days), as a phase-change board drifts after it is programmed.
        var teacher = Teacher(new Mock<IBoardCalls>().Object, readNoisePerYear: 3);
        var start = teacher.Board.ReadHealth().Uptime;
        double knew = TeacherSchool.Accuracy(teacher.Network, setup.Canary);
        var watch = HandoverLifecycle.Watch(teacher.Network, setup);

        var life = HandoverLifecycle.Serve(teacher, watch, keeper.Object, TimeSpan.FromDays(30), start + TimeSpan.FromDays(90));

        if (atCommissioning)
        {
            // The healthy level is what the board knew as it started serving; the first check after it sees the loss and calls.
            Assert.Equal(ServiceEnd.HandoverCalled, life.End);
            Assert.StartsWith("knowledge budget spent", life.Call!.Reason);
            Assert.Equal(start + TimeSpan.FromDays(30), life.BoardTime);
        }
        else
        {
            // Its first three checks (days 30, 60, 90) already hold the loss: they are its healthy level, and nothing is called.
            Assert.Equal(ServiceEnd.Horizon, life.End);
            Assert.NotNull(watch.HealthyCanary);
            Assert.True(watch.HealthyCanary < knew - policy.KnowledgeBudget, $"healthy level {watch.HealthyCanary:F4}, knew {knew:F4}");
        }
    }
}

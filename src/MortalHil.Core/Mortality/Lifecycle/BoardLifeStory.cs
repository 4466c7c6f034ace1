using System.Globalization;
using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>One point of a board's accuracy over its life.</summary>
public sealed record TimelinePoint(string Board, double Years, double Accuracy);

/// <summary>What <see cref="BoardLifeStory"/> is told: the lifecycle setup plus the teacher's schooling, the clock and the measurements.</summary>
public sealed record StoryRequest
{
    public required LifecycleSetup Setup { get; init; }
    public required string TeacherSerial { get; init; }
    public required string StudentSerial { get; init; }
    /// <summary>Labelled training images of the teacher (and the labels-only baseline); the first <see cref="Usable"/> are used.</summary>
    public required LabeledImageSet Train { get; init; }
    public required int Usable { get; init; }
    /// <summary>Images the teacher's training loop reports progress on.</summary>
    public required LabeledImageSet TrainingMonitor { get; init; }
    public required int TeacherEpochs { get; init; }
    public required int Batch { get; init; }
    /// <summary>Test set of the final accuracies.</summary>
    public required LabelledSet Test { get; init; }
    /// <summary>Test images per point of the timeline.</summary>
    public required LabelledSet TimelineTest { get; init; }
    public required TimeSpan AgeStep { get; init; }
    public required double MaxYears { get; init; }
    /// <summary>The handover's journal file.</summary>
    public required string JournalPath { get; init; }
    /// <summary>Where to journal the lessons of the teacher's prime (recorded right after its schooling); null: the student learns from live queries only.</summary>
    public string? PrimeLessonsPath { get; init; }
    /// <summary>Also measure copying the teacher's weights and training the new board from labels.</summary>
    public bool Baselines { get; init; } = true;
}

/// <summary>How the story ended.</summary>
public enum StoryOutcome { HandedOver, HandoverFailed, DiedBeforeCall, NoCallWithinHorizon }

/// <summary>Everything <see cref="BoardLifeStory"/> measured.</summary>
public sealed record StoryResult
{
    public required StoryOutcome Outcome { get; init; }
    public required double TeacherBest { get; init; }
    public required double TeacherAtDeath { get; init; }
    public double? TeacherDiedAtYears { get; init; }
    public string? TeacherDeath { get; init; }
    public required HealthSeries Health { get; init; }
    public double? HealthyCanary { get; init; }
    public double? FailureLevel { get; init; }
    public double? CalledAtYears { get; init; }
    public LifecycleCheck? Call { get; init; }
    public double? HandoverEndYears { get; init; }
    public HandoverOutcome? Handover { get; init; }
    public double? Student { get; init; }
    public double? StudentDiedAtYears { get; init; }
    public string? StudentDeath { get; init; }
    public double? Copied { get; init; }
    public ProgrammingReport? CopyProgramming { get; init; }
    public double? LabelsOnly { get; init; }
    public long? LabelsOnlyPulses { get; init; }
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }
    /// <summary>The lessons of the teacher's prime, when recorded.</summary>
    public PrimeLessons? Prime { get; init; }
    /// <summary>Board work (energy from the board's stated costs, board time) per inference of the teacher, over its best-accuracy test.</summary>
    public WorkReport? TeacherInference { get; init; }
    /// <summary>The same for the distilled student, over its final test.</summary>
    public WorkReport? StudentInference { get; init; }
    /// <summary>Board work per training step of the teacher's schooling (labels), from its trainer's account.</summary>
    public WorkReport? TeacherTrainingStep { get; init; }
    /// <summary>Board work per training step of the student's distillation (soft targets), from its trainers' accounts.</summary>
    public WorkReport? StudentTrainingStep { get; init; }
}

/// <summary>
/// A board's whole life on one handover path: school a teacher from labels; let it serve and age under the lifecycle watch
/// until the policy calls; distil it into a fresh board (verified); cut over; age both to the horizon. With baselines:
/// copy the teacher's weights onto the new board, and train the new board from labels with the student's budget.
/// </summary>
public static class BoardLifeStory
{
    public static StoryResult Run(StoryRequest r, Action<string>? say = null)
    {
        say ??= _ => { };
        var setup = r.Setup;
        var keeper = setup.Boards.Keeper;
        var timeline = new List<TimelinePoint>();
        string Pct(double v) => v.ToString("P1", CultureInfo.InvariantCulture);

        // 1. School.
        say($"training the teacher: board #{r.TeacherSerial}, {setup.Shape}, {setup.Algo}, {r.TeacherEpochs} epochs of {r.Usable} images in batches of {r.Batch}");
        long lastStep = -1;
        var school = TeacherSchool.TrainEpochs(setup.Boards, r.TeacherSerial, setup.Shape, setup.Algo, r.Train.Take(r.Usable), r.TrainingMonitor, r.TeacherEpochs,
            r.Batch, setup.Seed, p =>
            {
                if (p.Step == lastStep || (p.Step % Math.Max(1, p.StepsTotal / 10) != 0 && p.Step != p.StepsTotal)) return;
                lastStep = p.Step;
                say(string.Create(CultureInfo.InvariantCulture, $"  teacher step {p.Step}/{p.StepsTotal}: running train accuracy {p.RunningTrainAccuracy:P1}"));
            });
        var teacher = new BoardNetwork(school.Board, school.Network);
        var (teacherBest, teacherInference) = MeasuredAccuracy(teacher.Network, r.Test);
        TimeSpan born = teacher.Board.ReadHealth().Uptime;
        double Years(TimeSpan t) => (t - born).TotalDays / 365.25;
        // The teacher's clock, kept here: a dead board cannot be asked for it.
        TimeSpan clock = born;
        timeline.Add(new TimelinePoint("teacher", 0, TeacherSchool.Accuracy(teacher.Network, r.TimelineTest)));
        say($"teacher accuracy {teacherBest:P2} on {r.Test.Count} test images");

        // The lessons of its prime, journaled while it is at its best.
        PrimeLessons? prime = null;
        if (r.PrimeLessonsPath is { } primePath)
        {
            prime = PrimeLessons.Record(teacher.Network, setup.Transfer, setup.VerifiedPlan, primePath);
            setup = setup with { Prime = prime };
            say($"recorded the teacher's prime: {prime.Examples} soft targets ({prime.PayloadBits / 8 / 1024:F0} KiB as sent) in {primePath}");
        }

        // 2. Serve and age until the policy calls (or the board dies).
        var watch = HandoverLifecycle.Watch(teacher.Network, setup);
        double lastTeacher = teacherBest;
        say($"ageing the teacher in steps of {r.AgeStep.TotalDays} days; handover needs {setup.VerifiedPlan.ExpectedBoardTime.TotalHours:F0} h + margin {setup.Policy.Margin.TotalDays} days; " +
            $"failing: canary {setup.Policy.KnowledgeBudget * 100:F1} points below its healthy level, or {setup.Policy.StuckLimit:P0} of probe cells stuck");
        var life = HandoverLifecycle.Serve(teacher, watch, keeper, r.AgeStep, born + TimeSpan.FromDays(365.25 * r.MaxYears), check =>
        {
            clock += r.AgeStep;
            double t = Years(clock);
            double acc = TeacherSchool.Accuracy(teacher.Network, r.TimelineTest);
            if (!double.IsNaN(acc)) lastTeacher = acc;
            timeline.Add(new TimelinePoint("teacher", t, acc));
            if (check.CallHandover || watch.Series.Samples.Count % 6 == 0)
                say(string.Create(CultureInfo.InvariantCulture, $"  age {t:F2} y: canary {check.Sample.CanaryAccuracy:P1}, stuck {check.Sample.StuckFraction:P1}, " +
                    $"write failures {check.Sample.WriteFailureFraction:P1}, test {acc:P1}; {check.Reason}"));
        });
        double? diedAt = life.End == ServiceEnd.Died ? Years(life.BoardTime) : null;
        string? death = life.Death;
        double? calledAt = null, handoverEnd = null, student = null, copied = null, labelsOnly = null, studentDiedAt = null;
        string? studentDeath = null;
        long? labelsPulses = null;
        ProgrammingReport? copyReport = null;
        HandoverOutcome? handover = null;
        WorkReport? studentInference = null;
        StoryOutcome outcome;
        CopyBaseline.TeacherWeights? copySource = null;

        if (life.End != ServiceEnd.HandoverCalled)
        {
            outcome = life.End == ServiceEnd.Died ? StoryOutcome.DiedBeforeCall : StoryOutcome.NoCallWithinHorizon;
            say(life.End == ServiceEnd.Died
                ? $"the teacher died at {diedAt:F2} years before any health trend called for a handover ({death}): its knowledge is lost"
                : $"no handover called within {r.MaxYears} years");
        }
        else
        {
            // 3. Distil while the teacher serves; verify; cut over.
            calledAt = Years(life.BoardTime);
            say($"handover called at {calledAt:F2} years: {life.Call!.Reason}");
            copySource = CopyBaseline.Read(teacher.Network); // what a copy would take: the teacher as it is when the handover is called
            // The student is verified against the teacher's healthy level, not only against what is left of it.
            setup = setup with { Plan = setup.Plan with { VerifyReference = watch.HealthyCanary } };
            var fresh = HandoverLifecycle.FreshStudent(setup, r.StudentSerial);
            TimeSpan studentStart = fresh.Board.ReadHealth().Uptime;
            int every = setup.Plan.EvaluateEveryRounds;
            handover = HandoverLifecycle.Distil(setup, teacher, fresh, r.JournalPath, "predictor: " + life.Call.Reason,
                (p, studentNet) =>
                {
                    if (p.Round % every != 0) return;
                    double t = calledAt.Value + (p.BoardTime - studentStart).TotalDays / 365.25;
                    double ta = p.TeacherAlive ? TeacherSchool.Accuracy(teacher.Network, r.TimelineTest) : double.NaN;
                    if (!double.IsNaN(ta)) lastTeacher = ta;
                    double sa = TeacherSchool.Accuracy(studentNet, r.TimelineTest);
                    timeline.Add(new TimelinePoint("teacher", t, ta));
                    timeline.Add(new TimelinePoint("student (distilled)", t, sa));
                    say(string.Create(CultureInfo.InvariantCulture, $"  round {p.Round}: collected {p.CollectedExamples}/{p.TransferExamples}, student step {p.StudentSteps}/{p.StudentBudget}, " +
                        $"test: teacher {Pct(ta)} student {Pct(sa)}"));
                },
                (state, reason) => say($"  state {state.Name()}: {reason}"));
            handoverEnd = calledAt + handover.Result.HandoverBoardTime.TotalDays / 365.25;
            clock = life.BoardTime + handover.Result.HandoverBoardTime;
            if (handover.Result.TeacherDied) { diedAt = handoverEnd; death = "died during the handover"; }
            outcome = handover.HandedOver ? StoryOutcome.HandedOver : StoryOutcome.HandoverFailed;
            if (!handover.HandedOver) say($"the handover failed: {handover.Result.Reason}");
        }

        // 4. The replacement board: distilled, copied, labels only.
        if (handover is { HandedOver: true } h)
        {
            (double studentAccuracy, studentInference) = MeasuredAccuracy(h.Student.Network, r.Test);
            student = studentAccuracy;
            say($"student (distilled, no labels): {student:P2}");
        }
        if (r.Baselines && copySource is not null)
        {
            say($"copying the teacher's weights onto a fresh board #{r.StudentSerial} by program-and-verify");
            var copy = CopyBaseline.Copy(copySource, setup.Boards, r.StudentSerial, setup.Shape, setup.Algo, setup.Sample, setup.SampleCount, setup.Seed);
            copied = ClassifierEvaluation.Accuracy(copy.Network, r.Test);
            copyReport = copy.Report;
            copy.Board.Dispose();
            say($"copied: {copied:P2}");
        }
        if (r.Baselines)
        {
            int steps = setup.Plan.StudentSteps;
            say($"training a fresh board #{r.StudentSerial} from true labels with the student's budget ({steps} steps of {setup.Plan.TrainBatch})");
            var labelled = TeacherSchool.Train(setup.Boards, r.StudentSerial, setup.Shape, setup.Algo, r.Train, r.Usable, steps, setup.Plan.TrainBatch, setup.Seed + 1);
            labelsOnly = ClassifierEvaluation.Accuracy(labelled.Network, r.Test);
            labelsPulses = labelled.Pulses;
            labelled.Board.Dispose();
            say($"labels only: {labelsOnly:P2}");
        }

        // 5. The rest of the teacher's life (and the student's first years).
        if (diedAt is null)
        {
            say("ageing the retired teacher to its end, the student beside it");
            var successor = handover is { HandedOver: true } ho ? ho.Student : null;
            while (Years(clock) < r.MaxYears)
            {
                keeper.AdvanceClock(teacher.Board, r.AgeStep);
                clock += r.AgeStep;
                double t = Years(clock);
                if (successor is not null && studentDiedAt is null)
                {
                    keeper.AdvanceClock(successor.Board, r.AgeStep);
                    double sa = TeacherSchool.Accuracy(successor.Network, r.TimelineTest);
                    if (double.IsNaN(sa))
                    {
                        studentDiedAt = t;
                        studentDeath = DeathOf(successor.Board);
                        say($"the student died at {t:F2} years ({studentDeath}): it would need its own handover");
                    }
                    else timeline.Add(new TimelinePoint("student (distilled)", t, sa));
                }
                double ta = TeacherSchool.Accuracy(teacher.Network, r.TimelineTest);
                if (double.IsNaN(ta)) { diedAt = t; death = DeathOf(teacher.Board); break; }
                lastTeacher = ta;
                timeline.Add(new TimelinePoint("teacher", t, ta));
            }
            say(diedAt is not null ? $"teacher died at {diedAt:F2} years: {death}" : $"teacher still alive at {r.MaxYears} years");
        }

        return new StoryResult
        {
            Outcome = outcome, TeacherBest = teacherBest, TeacherAtDeath = lastTeacher, TeacherDiedAtYears = diedAt, TeacherDeath = death,
            Health = watch.Series, HealthyCanary = watch.HealthyCanary, FailureLevel = watch.FailureLevel, CalledAtYears = calledAt, Call = life.Call,
            HandoverEndYears = handoverEnd, Handover = handover, Student = student, StudentDiedAtYears = studentDiedAt, StudentDeath = studentDeath,
            Copied = copied, CopyProgramming = copyReport, LabelsOnly = labelsOnly, LabelsOnlyPulses = labelsPulses, Timeline = timeline, Prime = prime,
            TeacherInference = teacherInference, StudentInference = studentInference,
            TeacherTrainingStep = PerStep(school.Training, teacher.Network), StudentTrainingStep = handover is { } done ? PerStep(done.StudentTraining, done.Student.Network) : null,
        };
    }

    private static WorkReport? PerStep(TrainingWork? work, MappedNetwork net) =>
        work is { Steps: > 0 } w ? WorkReport.Of(w.Board, w.Steps, net.Description.Costs) : null;

    /// <summary>Accuracy on <paramref name="set"/> and what the board did per inference for it, from the network's ledger and the board's stated costs.</summary>
    private static (double Accuracy, WorkReport Work) MeasuredAccuracy(MappedNetwork net, LabelledSet set)
    {
        var before = net.Ledger.Snapshot();
        double accuracy = ClassifierEvaluation.Accuracy(net, set);
        return (accuracy, WorkReport.Of(net.Ledger.Snapshot() - before, set.Count, net.Description.Costs));
    }

    private static string? DeathOf(IDevice board)
    {
        try { board.ReadHealth(); return null; }
        catch (DeviceFailedException e) { return e.Message; }
    }
}

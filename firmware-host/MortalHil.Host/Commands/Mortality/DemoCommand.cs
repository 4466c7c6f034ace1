using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Sim;
using MortalHil.Host.Options;
using Spectre.Console;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// <c>mortalhil demo --out DIR</c>: the whole story on the simulator. Train a teacher board on MNIST
/// on-chip; age it, watching its health, until the predictor calls for a handover; distil it into a
/// fresh board with a different serial while it keeps serving; cut over; let the old board age to
/// its death. Compare with copying its weights and with training the new board from labels.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var output = SharedOptions.OutDir("Output folder: demo.json, timeline.png, handover.db");
        var d = new DemoSettings { OutDir = "" };
        var preset = SharedOptions.Preset(d.Preset, "Board preset of both boards");
        var teacherSerial = SharedOptions.Serial("--teacher-serial", "Serial of the teacher board", d.TeacherSerial);
        var studentSerial = SharedOptions.Serial("--student-serial", "Serial of the replacement board", d.StudentSerial);
        var algo = SharedOptions.OnChipAlgorithm(d.Algo);
        var shape = SharedOptions.Shape("--shape", "Network (14x14 inputs)", d.Shape);
        var teacherEpochs = SharedOptions.Count("--teacher-epochs", "Teacher training epochs (with labels, as 'mortalhil train')", d.TeacherEpochs, 1, Limits.Epochs);
        var batch = SharedOptions.Batch(d.Batch, "Examples per training step");
        var transfer = SharedOptions.Examples("--transfer", "Transfer examples the teacher is asked about (no labels)", d.Transfer);
        var studentSteps = SharedOptions.Count("--student-steps", "Student training steps (also the labels-only baseline's)", d.StudentSteps, 1, 100_000_000);
        var temperature = SharedOptions.Temperature(d.Temperature);
        var ageStep = SharedOptions.Real("--age-step-days", "Simulated days between health checks", d.AgeStepDays, Limits.AgeStepDaysMin, Limits.AgeStepDaysMax);
        var maxYears = SharedOptions.Real("--max-years", "Stop ageing after this many simulated years", d.MaxYears, 0, 1000, minExclusive: true);
        var margin = SharedOptions.Real("--margin-days", "Safety margin of the handover policy", d.MarginDays, 0, 36_500);
        var hoursPerRound = SharedOptions.Real("--hours-per-round", "Board time one handover round takes", d.HoursPerRound, 0, 10_000);
        var test = SharedOptions.Examples("--test", "Test images for the final accuracies", d.Test);
        var timelineTest = SharedOptions.Examples("--timeline-test", "Test images per point of the timeline", d.TimelineTest);
        var seed = SharedOptions.Seed(d.Seed);
        var dataset = SharedOptions.Dataset();
        var dataRoot = SharedOptions.DataDir();
        var cmd = new Command("demo", "Train a board, age it until the predictor calls a handover, distil it into a new board, cut over; compare with copying and with labels.");
        foreach (var o in new Option[] { output, preset, teacherSerial, studentSerial, algo, shape, teacherEpochs, batch, transfer, studentSteps, temperature, ageStep, maxYears,
                     margin, hoursPerRound, test, timelineTest, seed, dataset, dataRoot })
            cmd.Options.Add(o);
        cmd.SetAction(p => Run(new DemoSettings
        {
            OutDir = p.GetValue(output)!, Preset = p.GetValue(preset)!, TeacherSerial = p.GetValue(teacherSerial)!, StudentSerial = p.GetValue(studentSerial)!,
            Algo = p.GetValue(algo)!, Shape = p.GetValue(shape)!.ToString(), TeacherEpochs = p.GetValue(teacherEpochs), Batch = p.GetValue(batch), Transfer = p.GetValue(transfer),
            StudentSteps = p.GetValue(studentSteps), Temperature = p.GetValue(temperature), AgeStepDays = p.GetValue(ageStep), MaxYears = p.GetValue(maxYears),
            MarginDays = p.GetValue(margin), HoursPerRound = p.GetValue(hoursPerRound), Test = p.GetValue(test), TimelineTest = p.GetValue(timelineTest),
            Seed = p.GetValue(seed), Dataset = p.GetValue(dataset)!, DataRoot = p.GetValue(dataRoot),
        }).ExitCode);
        return cmd;
    }

    /// <summary>What the demo measured.</summary>
    public sealed record DemoResult(int ExitCode, JsonObject Json);

    public static DemoResult Run(DemoSettings s)
    {
        if (s.TeacherSerial == s.StudentSerial) throw new Cli.CliUsageException("the replacement board needs a serial different from the teacher's");
        if (!(s.AgeStepDays >= Limits.AgeStepDaysMin) || !(s.MaxYears > 0) || !double.IsFinite(s.MaxYears))
            throw new Cli.CliUsageException($"--age-step-days must be at least {Limits.AgeStepDaysMin} and --max-years positive");
        if (s.MaxYears * 365.25 / s.AgeStepDays > Limits.AgeingChecks)
            throw new Cli.CliUsageException($"--max-years {s.MaxYears} at --age-step-days {s.AgeStepDays} asks for {s.MaxYears * 365.25 / s.AgeStepDays:G3} health checks; the limit is {Limits.AgeingChecks:N0}");
        var wall = Stopwatch.StartNew();
        var log = s.Quiet ? TextWriter.Null : Console.Out;
        void Say(string text) { log.WriteLine($"[{wall.Elapsed:mm\\:ss}] {text}"); log.Flush(); }
        s = s with { OutDir = Core.Files.OutputLocation.PrepareDirectory(s.OutDir, "--out") };
        var preset = TeacherSchool.Preset(s.Preset);
        var shape = NetworkShape.Parse(s.Shape);
        int downsample = HandoverCommand.DownsampleFor(shape.Inputs);
        var data = MnistForBoards.Load(s.Dataset, downsample, s.DataRoot, log);
        int usable = Math.Min(50_000, data.Train.Count - s.Canary);
        var canary = MnistForBoards.Labelled(data.Train, data.Train.Count - s.Canary, s.Canary);
        var test = MnistForBoards.Labelled(data.Test, 0, Math.Min(s.Test, data.Test.Count));
        // Every k-th test image: the first images of MNIST's test set are not a fair sample of it.
        var timelineTest = MnistForBoards.Strided(data.Test, Math.Min(s.TimelineTest, data.Test.Count));
        var traffic = MnistForBoards.Labelled(data.Test, data.Test.Count / 2, Math.Min(1000, data.Test.Count / 2));
        int sampleCount = Math.Min(256, usable);
        var sample = data.Train.Pixels.AsSpan(0, sampleCount * data.Features).ToArray();
        var timeline = new List<TimelinePoint>();
        var json = new JsonObject
        {
            ["preset"] = s.Preset, ["teacher_serial"] = s.TeacherSerial, ["student_serial"] = s.StudentSerial, ["algo"] = s.Algo, ["shape"] = s.Shape,
        };

        // 1. School: the teacher learns MNIST on its own board, from labels.
        Say($"training the teacher: {s.Preset} board #{s.TeacherSerial}, {s.Shape}, {s.Algo}, {s.TeacherEpochs} epochs of {usable} images in batches of {s.Batch}");
        long lastStep = -1;
        var school = TeacherSchool.TrainEpochs(preset, s.TeacherSerial, shape, s.Algo, data.Train.Take(usable), data.Test, s.TeacherEpochs, s.Batch, s.Seed,
            p =>
            {
                if (p.Step == lastStep || (p.Step % Math.Max(1, p.StepsTotal / 10) != 0 && p.Step != p.StepsTotal)) return;
                lastStep = p.Step;
                Say(string.Create(CultureInfo.InvariantCulture, $"  teacher step {p.Step}/{p.StepsTotal}: running train accuracy {p.RunningTrainAccuracy:P1}"));
            });
        var teacher = school.Board;
        var teacherNet = school.Network;
        double teacherBest = ClassifierEvaluation.Accuracy(teacherNet, test);
        TimeSpan born = teacher.Now;
        double Years(TimeSpan t) => (t - born).TotalDays / 365.25;
        timeline.Add(new TimelinePoint("teacher", 0, TeacherSchool.Accuracy(teacherNet, timelineTest)));
        Say($"teacher accuracy {teacherBest:P2} on {test.Count} test images");
        json["teacher_best"] = teacherBest;

        // 2. Life: age the teacher, check its health, predict, until the policy calls a handover (or it dies).
        var plan = new HandoverPlan
        {
            TransferExamples = s.Transfer, QueryBatch = s.QueryBatch, TrainBatch = s.Batch, StudentSteps = s.StudentSteps, StepsPerRound = s.StepsPerRound,
            EvaluateEveryRounds = 25, Temperature = s.Temperature, BoardTimePerRound = TimeSpan.FromHours(s.HoursPerRound), ServeRequestsPerRound = 8, Seed = s.Seed,
        };
        var policy = new HandoverPolicy(plan.ExpectedBoardTime, TimeSpan.FromDays(s.MarginDays));
        var windows = teacherNet.AllLayers.SelectMany(l => l.Blocks.Select(b => b.Window)).ToArray();
        CrossbarWindow? probe = new TileAllocator(teacher.Description, windows).TryAllocate(32, 32, out var pw) ? pw : null;
        double canaryStart = ClassifierEvaluation.Accuracy(teacherNet, canary);
        var indicators = new List<HealthIndicator>
        {
            new(HealthSignals.CanaryAccuracy, AgeingDirection.Falling, canaryStart - s.FailureDrop, canaryStart),
        };
        if (probe is not null) indicators.Add(new HealthIndicator(HealthSignals.StuckFraction, AgeingDirection.Rising, s.StuckLimit));
        var monitor = new HealthMonitor(teacher, teacherNet, canary, new HealthMonitorOptions { CensusWindows = windows, ProbeWindow = probe }, teacherNet.Ids);
        var watch = new HandoverWatch(monitor, new RemainingLifePredictor(), policy, indicators);
        Say($"ageing the teacher in steps of {s.AgeStepDays} days; handover needs {plan.ExpectedBoardTime.TotalHours:F0} h + margin {s.MarginDays} days; " +
            $"failure: canary below {canaryStart - s.FailureDrop:P1} or {s.StuckLimit:P0} of probe cells stuck");
        WatchResult? call = null;
        double? diedAt = null, studentDiedAt = null;
        string? deathMessage = null, studentDeath = null;
        double lastTeacherAccuracy = teacherBest;
        var step = TimeSpan.FromDays(s.AgeStepDays);
        while (Years(teacher.Now) < s.MaxYears)
        {
            teacher.AdvanceTime(step);
            WatchResult check;
            try { check = watch.Check(); }
            catch (DeviceFailedException e)
            {
                diedAt = Years(teacher.Now);
                deathMessage = e.Message;
                break;
            }
            double acc = TeacherSchool.Accuracy(teacherNet, timelineTest);
            if (!double.IsNaN(acc)) lastTeacherAccuracy = acc;
            timeline.Add(new TimelinePoint("teacher", Years(teacher.Now), acc));
            int checks = monitor.Series.Samples.Count;
            if (check.Decision.CallHandover || checks % 6 == 0)
                Say(string.Create(CultureInfo.InvariantCulture, $"  age {Years(teacher.Now):F2} y: canary {check.Sample.CanaryAccuracy:P1}, stuck {check.Sample.StuckFraction:P1}, " +
                    $"write failures {check.Sample.WriteFailureFraction:P1}, test {acc:P1}; {check.Decision.Reason}"));
            if (check.Decision.CallHandover) { call = check; break; }
        }
        json["health"] = HealthJson(monitor.Series);

        DemoOutcome outcome;
        LiveHandover.Outcome? handover = null;
        CopyBaseline.TeacherWeights? copySource = null;
        double? handoverStart = null, handoverEnd = null;
        if (call is null)
        {
            outcome = diedAt is not null ? DemoOutcome.DiedBeforeCall : DemoOutcome.NoCallWithinHorizon;
            Say(diedAt is not null
                ? $"the teacher died at {diedAt:F2} years before any health trend called for a handover ({deathMessage}): its knowledge is lost"
                : $"no handover called within {s.MaxYears} years");
        }
        else
        {
            // 3. Handover: distil into a fresh board while the teacher keeps serving.
            handoverStart = Years(teacher.Now);
            json["handover_called_at_years"] = Math.Round(handoverStart.Value, 3);
            json["call_reason"] = call.Decision.Reason;
            json["remaining_life_at_call"] = new JsonArray(call.Estimates.Select(e => (JsonNode)new JsonObject
            {
                ["indicator"] = e.Indicator, ["model"] = e.Model.ToString().ToLowerInvariant(),
                ["median_hours"] = e.Median?.TotalHours, ["lower_hours"] = e.Lower?.TotalHours, ["upper_hours"] = e.Upper?.TotalHours,
            }).ToArray());
            Say($"handover called at {handoverStart:F2} years: {call.Decision.Reason}");
            copySource = CopyBaseline.Read(teacherNet); // what a copy would take: the teacher as it is when the handover is called
            var transfer = new TransferSet(MnistForBoards.Unlabelled(data.Train, 0, usable), data.Features, s.Transfer, s.Seed, data.Width);
            var studentFresh = TeacherSchool.Fresh(preset, s.StudentSerial, shape, s.Algo, sample, sampleCount, s.Seed);
            TimeSpan studentBorn = studentFresh.Board.Now;
            double teacherAccDuring = lastTeacherAccuracy;
            handover = LiveHandover.Run((teacher, teacherNet), studentFresh, plan, transfer, canary, traffic, Path.Combine(s.OutDir, "handover.db"),
                s.Algo, null, "predictor: " + call.Decision.Reason,
                (p, studentNet) =>
                {
                    if (p.Round % plan.EvaluateEveryRounds != 0) return;
                    double t = Years(teacher.Now);
                    double ta = p.TeacherAlive ? TeacherSchool.Accuracy(teacherNet, timelineTest) : double.NaN;
                    if (!double.IsNaN(ta)) teacherAccDuring = ta;
                    double sa = TeacherSchool.Accuracy(studentNet, timelineTest);
                    timeline.Add(new TimelinePoint("teacher", t, ta));
                    timeline.Add(new TimelinePoint("student (distilled)", t, sa));
                    Say(string.Create(CultureInfo.InvariantCulture, $"  round {p.Round}: collected {p.CollectedExamples}/{p.TransferExamples}, student step {p.StudentSteps}/{p.StudentBudget}, " +
                        $"test: teacher {ta:P1} student {sa:P1}"));
                },
                (state, reason) => Say($"  state {state.Name()}: {reason}"));
            lastTeacherAccuracy = teacherAccDuring;
            handoverEnd = handoverStart + (handover.Result.HandoverBoardTime.TotalDays / 365.25);
            if (handover.Result.TeacherDied)
            {
                diedAt = handoverEnd;
                deathMessage = "died during the handover";
            }
            outcome = handover.Result.State == HandoverState.Retired ? DemoOutcome.HandedOver : DemoOutcome.HandoverFailed;
        }

        // 4. The comparison on the replacement board: distilled, copied, labels only.
        double? student = null, copied = null, labelsOnly = null;
        if (handover is { Result.State: HandoverState.Retired } h)
        {
            student = ClassifierEvaluation.Accuracy(h.StudentNetwork, test);
            Say($"student (distilled, no labels): {student:P2}");
            json["student_pulses"] = h.Result.StudentPulses;
            json["student_steps"] = h.Result.StudentSteps;
            BoardBundle.Save(h.StudentBoard, h.StudentNetwork, Path.Combine(s.OutDir, "student.board"));
        }
        if (copySource is not null)
        {
            Say($"copying the teacher's weights onto a fresh board #{s.StudentSerial} by program-and-verify");
            var copy = CopyBaseline.Copy(copySource, preset, s.StudentSerial, shape, s.Algo, sample, sampleCount, s.Seed);
            copied = ClassifierEvaluation.Accuracy(copy.Network, test);
            json["copy_programming"] = new JsonObject
            {
                ["pulses"] = copy.Report.Pulses, ["cells"] = copy.Report.Cells, ["cells_within_tolerance"] = copy.Report.CellsWithinTolerance,
                ["rms_error_siemens"] = copy.Report.RmsErrorSiemens,
            };
            Say($"copied: {copied:P2}");
        }
        Say($"training a fresh board #{s.StudentSerial} from true labels with the student's budget ({s.StudentSteps} steps of {s.Batch})");
        var labelled = TeacherSchool.Train(preset, s.StudentSerial, shape, s.Algo, data.Train, usable, s.StudentSteps, s.Batch, s.Seed + 1);
        labelsOnly = ClassifierEvaluation.Accuracy(labelled.Network, test);
        Say($"labels only: {labelsOnly:P2}");

        // 5. The rest of the teacher's life (and the student's first years).
        if (diedAt is null)
        {
            Say("ageing the retired teacher to its end, the student beside it");
            var studentBoard = handover?.StudentBoard;
            var studentNet = handover?.StudentNetwork;
            while (Years(teacher.Now) < s.MaxYears)
            {
                teacher.AdvanceTime(step);
                double t = Years(teacher.Now);
                if (studentNet is not null && studentDiedAt is null)
                {
                    studentBoard!.AdvanceTime(step);
                    double sa = TeacherSchool.Accuracy(studentNet, timelineTest);
                    if (double.IsNaN(sa))
                    {
                        studentDiedAt = t;
                        try { studentBoard.ReadHealth(); } catch (DeviceFailedException e) { studentDeath = e.Message; }
                        Say($"the student died at {t:F2} years ({studentDeath}): it would need its own handover");
                    }
                    else timeline.Add(new TimelinePoint("student (distilled)", t, sa));
                }
                double ta = TeacherSchool.Accuracy(teacherNet, timelineTest);
                if (double.IsNaN(ta))
                {
                    diedAt = t;
                    try { teacher.ReadHealth(); } catch (DeviceFailedException e) { deathMessage = e.Message; }
                    break;
                }
                lastTeacherAccuracy = ta;
                timeline.Add(new TimelinePoint("teacher", t, ta));
            }
            Say(diedAt is not null ? $"teacher died at {diedAt:F2} years: {deathMessage}" : $"teacher still alive at {s.MaxYears} years");
        }

        json["outcome"] = outcome.ToString();
        json["teacher_at_death"] = lastTeacherAccuracy;
        json["teacher_at_death_note"] = $"accuracy on {timelineTest.Count} test images at the teacher's last check before it died (or at the end of the horizon)";
        json["teacher_died_at_years"] = diedAt is { } dd ? Math.Round(dd, 3) : null;
        json["teacher_death"] = deathMessage;
        json["student"] = student;
        json["student_died_at_years"] = studentDiedAt is { } sd ? Math.Round(sd, 3) : null;
        json["student_death"] = studentDeath;
        json["copied"] = copied;
        json["labels_only"] = labelsOnly;
        json["teacher_queries"] = handover?.Result.TeacherQueries;
        json["handover_sim_hours"] = handover is { } ho ? Math.Round(ho.Result.HandoverBoardTime.TotalHours, 2) : null;
        json["student_vs_teacher_best"] = student is { } st ? Math.Round(st / teacherBest, 4) : null;
        if (handover is not null)
        {
            var r = handover.Result;
            json["handover"] = HandoverCommand.ToJson(r, student, test.Count, new HandoverCommand.Settings
            {
                Teacher = "live", Student = "live", Journal = Path.Combine(s.OutDir, "handover.db"), OutDir = s.OutDir, Plan = plan,
            }, wall.Elapsed, Path.Combine(s.OutDir, "student.board"));
        }
        json["labels_only_pulses"] = labelled.Pulses;
        json["test_examples"] = test.Count;
        json["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 1);
        json["timeline"] = new JsonArray(timeline.Select(p => (JsonNode)new JsonObject
        {
            ["board"] = p.Board, ["years"] = Math.Round(p.Years, 4), ["accuracy"] = double.IsNaN(p.Accuracy) ? null : p.Accuracy,
        }).ToArray());
        HandoverCommand.WriteJson(Path.Combine(s.OutDir, "demo.json"), json);
        TimelinePlot.Save(Path.Combine(s.OutDir, "timeline.png"), $"{s.Preset} #{s.TeacherSerial} hands over to #{s.StudentSerial} ({s.Shape}, {s.Algo})",
            timeline, handoverStart is { } hs && handoverEnd is { } he ? (hs, he) : null, handoverStart, diedAt, studentDiedAt);

        if (!s.Quiet) PrintTable(json);
        Say($"wrote {Path.Combine(s.OutDir, "demo.json")} and timeline.png");
        return new DemoResult(0, json);
    }

    private static JsonObject HealthJson(HealthSeries series) => new()
    {
        ["checks"] = series.Samples.Count,
        ["samples"] = new JsonArray(series.Samples.Select(x => (JsonNode)new JsonObject
        {
            ["board_hours"] = Math.Round(x.BoardTime.TotalHours, 2), ["canary_accuracy"] = x.CanaryAccuracy, ["stuck_fraction"] = x.StuckFraction,
            ["write_failure_fraction"] = x.WriteFailureFraction, ["edge_fraction"] = Math.Round(x.EdgeFraction, 5), ["drift_fraction"] = Math.Round(x.DriftFraction, 6),
        }).ToArray()),
    };

    private static void PrintTable(JsonObject j)
    {
        static string Pct(JsonNode? n) => n is null ? "-" : ((double)n).ToString("P2", CultureInfo.InvariantCulture);
        var table = new Table().AddColumn("what").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("teacher, best (trained with labels)", Pct(j["teacher_best"]));
        table.AddRow("teacher, at its death", Pct(j["teacher_at_death"]));
        table.AddRow("[bold]student, distilled (no labels)[/]", Pct(j["student"]));
        table.AddRow("copied weights onto the new board", Pct(j["copied"]));
        table.AddRow("new board trained from labels, same budget", Pct(j["labels_only"]));
        table.AddRow("teacher queries", j["teacher_queries"]?.ToString() ?? "-");
        table.AddRow("handover (simulated hours)", j["handover_sim_hours"]?.ToString() ?? "-");
        table.AddRow("outcome", Markup.Escape(j["outcome"]?.ToString() ?? "-"));
        AnsiConsole.Write(table);
    }

    private enum DemoOutcome { HandedOver, HandoverFailed, DiedBeforeCall, NoCallWithinHorizon }
}

using MortalHil.Host.Options;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Sim;
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
        var boardKind = ChoiceOption.Create("--board-kind", $"Kind of board: mortal (an analog chain: no conversion between layers; default preset {DemoSettings.DefaultPreset(DemoBoardKind.Mortal)}) " +
            $"or per-layer (an ADC after every layer; default preset {DemoSettings.DefaultPreset(DemoBoardKind.PerLayer)})",
            [("mortal", DemoBoardKind.Mortal), ("per-layer", DemoBoardKind.PerLayer)], DemoSettings.DefaultBoardKind, hasDefault: true);
        boardKind.HelpName = "mortal|per-layer";
        var preset = SharedOptions.Preset(DemoSettings.DefaultPreset(DemoSettings.DefaultBoardKind), "Board preset of both boards (default: the board kind's)");
        var teacherSerial = SharedOptions.Serial("--teacher-serial", "Serial of the teacher board", d.TeacherSerial);
        var studentSerial = SharedOptions.Serial("--student-serial", "Serial of the replacement board", d.StudentSerial);
        var algo = SharedOptions.OnChipAlgorithm(d.Algo, "On-chip trainer: np, ll or wp");
        var shape = SharedOptions.Shape("--shape", "Network (per-layer boards; a mortal board's chain fixes its shape)", d.Shape);
        var teacherEpochs = SharedOptions.TeacherEpochs(d.TeacherEpochs, "Teacher training epochs (with labels, as 'mortalhil train')");
        var batch = SharedOptions.Batch(d.Batch, "Examples per training step");
        var transfer = SharedOptions.Transfer(d.Transfer, "Transfer examples the teacher is asked about (no labels)");
        var studentSteps = SharedOptions.StudentSteps("--student-steps", d.StudentSteps, "Student training steps (also the labels-only baseline's)");
        var temperature = SharedOptions.Temperature(d.Temperature, "Distillation temperature");
        var ageStep = SharedOptions.Real("--age-step-days", "Simulated days between health checks", d.AgeStepDays, Limits.AgeStepDaysMin, Limits.AgeStepDaysMax);
        var maxYears = SharedOptions.Real("--max-years", "Stop ageing after this many simulated years", d.MaxYears, 0, 1000, minExclusive: true);
        var margin = SharedOptions.Real("--margin-days", "Safety margin of the handover policy", d.Policy.Margin.TotalDays, 0, 3650);
        var noPrime = new Option<bool>("--no-prime-lessons") { Description = "Teach the student from live queries of the ageing teacher only (no soft targets recorded at the teacher's prime)" };
        var budget = LifecycleOptions.KnowledgeBudget(d.Policy.KnowledgeBudget);
        var hoursPerRound = SharedOptions.HoursPerRound(d.HoursPerRound);
        var test = SharedOptions.Examples("--test", "Test images for the final accuracies", d.Test);
        var timelineTest = SharedOptions.Examples("--timeline-test", "Test images per point of the timeline", d.TimelineTest);
        var seed = SharedOptions.Seed(d.Seed, "Seed");
        var dataset = SharedOptions.Dataset();
        var dataRoot = SharedOptions.DataDir();
        var cmd = new Command("demo", "Train a board, age it until the predictor calls a handover, distil it into a new board, cut over; compare with copying and with labels.");
        foreach (var o in new Option[] { output, boardKind, preset, teacherSerial, studentSerial, algo, shape, teacherEpochs, batch, transfer, studentSteps, temperature, ageStep, maxYears,
                     margin, budget, noPrime, hoursPerRound, test, timelineTest, seed, dataset, dataRoot })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var kind = p.GetValue(boardKind);
            bool shapeGiven = p.GetResult(shape) is { Implicit: false };
            return Run(new DemoSettings
        {
            OutDir = Core.Files.OutputLocation.PrepareDirectory(p.GetValue(output)!, "--out"), // checked writable before any work
            BoardKind = kind, ShapeFromChain = kind == DemoBoardKind.Mortal && !shapeGiven,
            Preset = p.GetResult(preset) is { Implicit: false } ? p.GetValue(preset)! : DemoSettings.DefaultPreset(kind), TeacherSerial = p.GetValue(teacherSerial)!, StudentSerial = p.GetValue(studentSerial)!,
            Algo = p.GetValue(algo)!, Shape = p.GetValue(shape)!.ToString(), TeacherEpochs = p.GetValue(teacherEpochs), Batch = p.GetValue(batch), Transfer = p.GetValue(transfer),
            StudentSteps = p.GetValue(studentSteps), Temperature = p.GetValue(temperature), AgeStepDays = p.GetValue(ageStep), MaxYears = p.GetValue(maxYears),
            PrimeLessons = !p.GetValue(noPrime), Policy = d.Policy with { Margin = TimeSpan.FromDays(p.GetValue(margin)), KnowledgeBudget = p.GetValue(budget) }, HoursPerRound = p.GetValue(hoursPerRound), Test = p.GetValue(test), TimelineTest = p.GetValue(timelineTest),
            Seed = p.GetValue(seed), Dataset = p.GetValue(dataset)!, DataRoot = p.GetValue(dataRoot),
        }).ExitCode;
        });
        return cmd;
    }

    /// <summary>What the demo measured.</summary>
    public sealed record DemoResult(int ExitCode, JsonObject Json);

    public static DemoResult Run(DemoSettings s)
    {
        if (s.TeacherSerial == s.StudentSerial) throw new Cli.CliUsageException("the replacement board needs a serial different from the teacher's");
        if (!(s.AgeStepDays > 0) || !(s.MaxYears > 0) || !double.IsFinite(s.AgeStepDays) || !double.IsFinite(s.MaxYears))
            throw new Cli.CliUsageException($"--age-step-days and --max-years must be positive and finite (got {s.AgeStepDays} and {s.MaxYears})");
        if (s.AgeStepDays is < 0.01 or > 3650) throw new Cli.CliUsageException($"--age-step-days must be in [0.01, 3650] (got {s.AgeStepDays})");
        const double MaxHealthChecks = 100_000; // an ageing plan beyond this runs for hours with no output
        if (s.MaxYears * 365.25 / s.AgeStepDays > MaxHealthChecks)
            throw new Cli.CliUsageException($"--max-years {s.MaxYears} at --age-step-days {s.AgeStepDays} means more than {MaxHealthChecks:0} health checks; take a larger step");
        if (s.TeacherEpochs < 1) throw new Cli.CliUsageException($"--teacher-epochs must be at least 1 (got {s.TeacherEpochs})");
        if (!TrainerFactory.OnChipNames.Contains(s.Algo)) throw new Cli.CliUsageException($"unknown on-chip trainer '{s.Algo}'; use one of: {string.Join(", ", TrainerFactory.OnChipNames)}");
        try { s.Policy.Validate(); }
        catch (ArgumentException e) { throw new Cli.CliUsageException(e.Message); }
        var wall = Stopwatch.StartNew();
        var log = s.Quiet ? TextWriter.Null : Console.Out;
        void Say(string text) { log.WriteLine($"[{wall.Elapsed:mm\\:ss}] {text}"); log.Flush(); }
        Directory.CreateDirectory(s.OutDir);
        var boards = SimBoardSupply.ForPreset(s.Preset);
        var (shape, costsSource) = ShapeFor(s, boards);
        var data = MnistForBoards.Load(s.Dataset, HandoverCommand.DownsampleFor(shape.Inputs), s.DataRoot, log);
        int usable = Math.Min(50_000, data.Train.Count - s.Canary);
        int sampleCount = Math.Min(256, usable);
        var setup = new LifecycleSetup
        {
            Boards = boards, Shape = shape, Algo = s.Algo, Policy = s.Policy, Seed = s.Seed,
            Canary = MnistForBoards.Labelled(data.Train, data.Train.Count - s.Canary, s.Canary),
            Transfer = new TransferSet(MnistForBoards.Unlabelled(data.Train, 0, usable), data.Features, s.Transfer, s.Seed, data.Width),
            Traffic = MnistForBoards.Labelled(data.Test, data.Test.Count / 2, Math.Min(1000, data.Test.Count / 2)),
            Sample = data.Train.Pixels.AsSpan(0, sampleCount * data.Features).ToArray(), SampleCount = sampleCount,
            Plan = new HandoverPlan
            {
                TransferExamples = s.Transfer, QueryBatch = s.QueryBatch, TrainBatch = s.Batch, StudentSteps = s.StudentSteps, StepsPerRound = s.StepsPerRound,
                EvaluateEveryRounds = 25, Temperature = s.Temperature, BoardTimePerRound = TimeSpan.FromHours(s.HoursPerRound), ServeRequestsPerRound = 8, Seed = s.Seed,
            },
        };
        var story = BoardLifeStory.Run(new StoryRequest
        {
            Setup = setup, TeacherSerial = s.TeacherSerial, StudentSerial = s.StudentSerial, Train = data.Train, Usable = usable, TrainingMonitor = data.Test,
            TeacherEpochs = s.TeacherEpochs, Batch = s.Batch, Test = MnistForBoards.Labelled(data.Test, 0, Math.Min(s.Test, data.Test.Count)),
            // Every k-th test image: the first images of MNIST's test set are not a fair sample of it.
            TimelineTest = MnistForBoards.Strided(data.Test, Math.Min(s.TimelineTest, data.Test.Count)),
            AgeStep = TimeSpan.FromDays(s.AgeStepDays), MaxYears = s.MaxYears, JournalPath = Path.Combine(s.OutDir, "handover.db"),
            PrimeLessonsPath = s.PrimeLessons ? Path.Combine(s.OutDir, "prime-lessons.db") : null,
        }, Say);
        if (story.Handover is { HandedOver: true } h && h.Student.Board is SimulatedBoard sim)
            BoardBundle.Save(sim, h.Student.Network, Path.Combine(s.OutDir, "student.board"));

        var json = ToJson(s, setup, story, costsSource, wall.Elapsed);
        HandoverCommand.WriteJson(Path.Combine(s.OutDir, "demo.json"), json);
        TimelinePlot.Save(Path.Combine(s.OutDir, "timeline.png"), $"{s.Preset} #{s.TeacherSerial} hands over to #{s.StudentSerial} ({shape}, {s.Algo}, {KindName(s.BoardKind)} board)",
            story.Timeline, story.CalledAtYears is { } hs && story.HandoverEndYears is { } he ? (hs, he) : null, story.CalledAtYears, story.TeacherDiedAtYears,
            story.StudentDiedAtYears);
        if (!s.Quiet) PrintTable(json);
        Say($"wrote {Path.Combine(s.OutDir, "demo.json")} and timeline.png");
        return new DemoResult(0, json);
    }

    /// <summary>The name of a board kind on the command line and in demo.json.</summary>
    public static string KindName(DemoBoardKind kind) => kind == DemoBoardKind.Mortal ? "mortal" : "per-layer";

    /// <summary>
    /// The network's shape: a mortal board's chain fixes it (asked of the board through Core, as a learner sees it); a per-layer
    /// board takes the settings'. The preset must be of the kind asked for. Also the source the board states for its operation costs.
    /// </summary>
    private static (NetworkShape Shape, string? CostsSource) ShapeFor(DemoSettings s, SimBoardSupply boards)
    {
        NetworkShape? chainShape;
        string? costs;
        using (var probe = boards.Make(s.TeacherSerial))
        {
            chainShape = OnChipTraining.ChainShape(probe);
            costs = probe.Description.Costs?.Source;
        }
        if (s.BoardKind == DemoBoardKind.PerLayer)
        {
            if (chainShape is not null)
                throw new Cli.CliUsageException($"preset '{s.Preset}' describes an analog chain (a mortal board); use --board-kind mortal, or a preset without a chain for --board-kind per-layer");
            return (NetworkShape.Parse(s.Shape), costs);
        }
        if (chainShape is null)
            throw new Cli.CliUsageException($"preset '{s.Preset}' describes no analog chain; --board-kind mortal needs one (e.g. {DemoSettings.DefaultPreset(DemoBoardKind.Mortal)}), or use --board-kind per-layer");
        if (!s.ShapeFromChain && !NetworkShape.Parse(s.Shape).Sizes.SequenceEqual(chainShape.Sizes))
            throw new Cli.CliUsageException($"preset '{s.Preset}' is an analog chain of shape {chainShape}; --shape must be {chainShape} or left out (got {s.Shape})");
        return (chainShape, costs);
    }

    private static JsonObject ToJson(DemoSettings s, LifecycleSetup setup, StoryResult r, string? costsSource, TimeSpan wall)
    {
        var json = new JsonObject
        {
            ["board_kind"] = KindName(s.BoardKind),
            ["preset"] = s.Preset, ["teacher_serial"] = s.TeacherSerial, ["student_serial"] = s.StudentSerial, ["algo"] = s.Algo, ["shape"] = setup.Shape.ToString(),
            ["teacher_best"] = r.TeacherBest,
            ["policy"] = new JsonObject
            {
                ["knowledge_budget"] = s.Policy.KnowledgeBudget, ["baseline_checks"] = s.Policy.BaselineChecks, ["stuck_limit"] = s.Policy.StuckLimit,
                ["margin_days"] = s.Policy.Margin.TotalDays, ["extra_student_budget"] = s.Policy.ExtraStudentBudget,
                ["healthy_canary"] = r.HealthyCanary, ["failing_below_canary"] = r.FailureLevel,
            },
            ["health"] = HealthJson(r.Health),
        };
        if (r.Call is { } call)
        {
            json["handover_called_at_years"] = Math.Round(r.CalledAtYears!.Value, 3);
            json["call_reason"] = call.Reason;
            json["remaining_life_at_call"] = new JsonArray(call.Estimates.Select(e => (JsonNode)new JsonObject
            {
                ["indicator"] = e.Indicator, ["model"] = e.Model.ToString().ToLowerInvariant(),
                ["median_hours"] = e.Median?.TotalHours, ["lower_hours"] = e.Lower?.TotalHours, ["upper_hours"] = e.Upper?.TotalHours,
            }).ToArray());
        }
        if (r.Handover is { HandedOver: true } h)
        {
            json["student_pulses"] = h.Result.StudentPulses;
            json["student_steps"] = h.Result.StudentSteps;
        }
        if (r.CopyProgramming is { } copy)
            json["copy_programming"] = new JsonObject
            {
                ["pulses"] = copy.Pulses, ["cells"] = copy.Cells, ["cells_within_tolerance"] = copy.CellsWithinTolerance, ["rms_error_siemens"] = copy.RmsErrorSiemens,
            };
        json["outcome"] = r.Outcome.ToString();
        json["handover_failure"] = r.Handover is { HandedOver: false } f ? f.Result.Reason : null;
        json["teacher_at_death"] = r.TeacherAtDeath;
        json["teacher_at_death_note"] = $"accuracy on {s.TimelineTest} test images at the teacher's last check before it died (or at the end of the horizon)";
        json["teacher_died_at_years"] = r.TeacherDiedAtYears is { } dd ? Math.Round(dd, 3) : null;
        json["teacher_death"] = r.TeacherDeath;
        json["student"] = r.Student;
        json["student_died_at_years"] = r.StudentDiedAtYears is { } sd ? Math.Round(sd, 3) : null;
        json["student_death"] = r.StudentDeath;
        json["copied"] = r.Copied;
        json["labels_only"] = r.LabelsOnly;
        json["teacher_queries"] = r.Handover?.Result.TeacherQueries;
        json["handover_sim_hours"] = r.Handover is { } ho ? Math.Round(ho.Result.HandoverBoardTime.TotalHours, 2) : null;
        json["student_vs_teacher_best"] = r.Student is { } st ? Math.Round(st / r.TeacherBest, 4) : null;
        if (r.Handover is { } hr)
            json["handover"] = HandoverCommand.ToJson(hr.Result, r.Student, s.Test, new HandoverCommand.Settings
            {
                Teacher = "live", Student = "live", Journal = Path.Combine(s.OutDir, "handover.db"), OutDir = s.OutDir, Plan = setup.VerifiedPlan,
            }, wall, r.Handover.HandedOver ? Path.Combine(s.OutDir, "student.board") : null);
        json["prime_lessons"] = r.Prime is { } prime ? new JsonObject
        {
            ["examples"] = prime.Examples, ["teacher_queries"] = prime.TeacherQueries, ["payload_bits"] = prime.PayloadBits,
            ["share_of_student_minibatches"] = r.Handover?.Result.PrimeShare,
            ["live_examples"] = r.Handover?.Result.CollectedExamples,
            ["live_agrees_with_prime"] = r.Handover?.Result.PrimeAgreement is { } a && !double.IsNaN(a) ? Math.Round(a, 4) : null,
            ["note"] = "soft targets recorded from the teacher right after its schooling (journaled in prime-lessons.db); each student minibatch draws this share from them and the rest from live queries of the ageing teacher",
        } : null;
        json["per_inference"] = new JsonObject
        {
            ["teacher"] = r.TeacherInference is { } ti ? JsonSerializer.SerializeToNode(ti.ToJson()) : null,
            ["student"] = r.StudentInference is { } si ? JsonSerializer.SerializeToNode(si.ToJson()) : null,
            ["note"] = "board work per test inference from the host's ledger of the network (counts, board seconds) and the board's stated operation costs (joules; sources in costs_source); teacher at its best, student after cut-over",
            ["costs_source"] = costsSource,
        };
        json["per_training_step"] = new JsonObject
        {
            ["teacher"] = r.TeacherTrainingStep is { } tt ? JsonSerializer.SerializeToNode(tt.ToJson()) : null,
            ["student"] = r.StudentTrainingStep is { } stt ? JsonSerializer.SerializeToNode(stt.ToJson()) : null,
            ["note"] = "board work per training step from the trainers' own accounts (test and canary evaluations excluded) and the board's stated costs: the teacher's schooling from labels, the student's distillation from soft targets; a step is one minibatch",
        };
        json["labels_only_pulses"] = r.LabelsOnlyPulses;
        json["test_examples"] = s.Test;
        json["wall_seconds"] = Math.Round(wall.TotalSeconds, 1);
        json["timeline"] = new JsonArray(r.Timeline.Select(p => (JsonNode)new JsonObject
        {
            ["board"] = p.Board, ["years"] = Math.Round(p.Years, 4), ["accuracy"] = double.IsNaN(p.Accuracy) ? null : p.Accuracy,
        }).ToArray());
        return json;
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
        foreach (var who in new[] { "teacher", "student" })
            if (j["per_inference"]?[who] is { } w)
            {
                var joules = w["energy_joules"]?["total"];
                table.AddRow($"{who}: energy per inference", joules is null ? "- (board states no costs)" : ((double)joules * 1e9).ToString("0.00 'nJ'", CultureInfo.InvariantCulture));
                table.AddRow($"{who}: board time per inference", ((double)w["board_seconds"]! * 1e6).ToString("0.00 'µs'", CultureInfo.InvariantCulture));
            }
        foreach (var who in new[] { "teacher", "student" })
            if (j["per_training_step"]?[who] is { } w && w["energy_joules"]?["total"] is { } joules)
                table.AddRow($"{who}: energy per training step", ((double)joules * 1e6).ToString("0.00 'µJ'", CultureInfo.InvariantCulture));
        table.AddRow("handover (simulated hours)", j["handover_sim_hours"]?.ToString() ?? "-");
        table.AddRow("outcome", Markup.Escape(j["outcome"]?.ToString() ?? "-"));
        AnsiConsole.Write(table);
    }

}

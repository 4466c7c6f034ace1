using MortalHil.Host.Options;
using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Host.Plots;
using MortalHil.Sim;
using MortalHil.Sim.Presets;
using Spectre.Console;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// <c>mortalhil experiment mortality --out DIR</c>: the claims of issue 4, measured. (1) Copying a
/// teacher's weights versus distilling it, onto five student serials. (2) Soft targets versus the
/// teacher's hard labels versus true labels, at equal student budget. (3) Hinton, Vinyals and Dean's
/// omitted-class experiment: the transfer set lacks one digit; that digit's accuracy before and after
/// their bias correction. (4) Five generations: teacher, student, grand-student, ...
/// </summary>
public static class ExperimentMortalityCommand
{
    public sealed record Settings : MortalityRunSettings
    {
        public string TeacherSerial { get; init; } = "42";
        public string? Teacher { get; init; }
        public IReadOnlyList<string> StudentSerials { get; init; } = ["201", "202", "203", "204", "205"];
        public int OmittedDigit { get; init; } = 3;
        public int Generations { get; init; } = 5;
        public int Parallel { get; init; } = Environment.ProcessorCount;
        /// <summary>Keep every handover's journal (about 47 MB each, 12 in a default run); by default a journal is deleted once its handover retired.</summary>
        public bool KeepJournals { get; init; }
        /// <summary>Teach generations 2 and later from the first teacher's prime (journaled soft targets) beside their own teacher.</summary>
        public bool PrimeLessons { get; init; } = true;
    }

    public static Command Create()
    {
        var d = new Settings { OutDir = "" };
        var output = SharedOptions.OutDir("Output folder: mortality.json, plots (and journals with --keep-journals)");
        var keepJournals = new Option<bool>("--keep-journals") { Description = "Keep each handover's SQLite journal in OUT/journals (about 47 MB each); by default one is deleted once its handover has retired" };
        var preset = SharedOptions.Preset(d.Preset, "Board preset");
        var teacher = new Option<string?>("--teacher") { Description = "A trained teacher to use (simfile:FILE with FILE.net.json); default: train one" }.NotEmpty();
        var teacherSerial = SharedOptions.Serial("--teacher-serial", "Serial of the teacher trained when --teacher is not given", d.TeacherSerial);
        var serials = SharedOptions.Serial("--student-serials", "Comma-separated serials of the student boards", string.Join(",", d.StudentSerials));
        var algo = SharedOptions.OnChipAlgorithm(d.Algo, "On-chip trainer: np, ll or wp");
        var shape = SharedOptions.Shape("--shape", "Network", d.Shape);
        var teacherEpochs = SharedOptions.TeacherEpochs(d.TeacherEpochs);
        var batch = SharedOptions.Batch(d.Batch);
        var transfer = SharedOptions.Transfer(d.Transfer, "Transfer set size");
        var studentSteps = SharedOptions.StudentSteps("--student-steps", d.StudentSteps, "Steps of every student (the equal budget)");
        var temperature = SharedOptions.Temperature(d.Temperature, "Distillation temperature");
        var omitted = SharedOptions.Count("--omitted-digit", "Digit left out of the transfer set", d.OmittedDigit, 0, 9);
        var generations = SharedOptions.Count("--generations", "Generations of students", d.Generations, 1, 1000);
        var test = SharedOptions.Examples("--test", "Test images", d.Test);
        var seed = SharedOptions.Seed(d.Seed, "Seed");
        var dataset = SharedOptions.Dataset();
        var dataRoot = SharedOptions.DataDir();
        var noPrime = new Option<bool>("--no-prime-lessons") { Description = "Teach each generation from its own teacher only (no soft targets recorded at the first teacher's prime)" };
        var parallel = SharedOptions.Parallel(Math.Min(d.Parallel, Limits.Parallel));
        var cmd = new Command("mortality", "Copy vs distill on 5 serials; soft vs hard vs true labels; Hinton's omitted class with bias correction; 5 generations.");
        foreach (var o in new Option[] { output, preset, teacher, teacherSerial, serials, algo, shape, teacherEpochs, batch, transfer, studentSteps, temperature, omitted,
                     generations, test, seed, dataset, dataRoot, parallel, keepJournals, noPrime })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            Run(new Settings
            {
                OutDir = Core.Files.OutputLocation.PrepareDirectory(p.GetValue(output)!, "--out"), Preset = p.GetValue(preset)!, Teacher = p.GetValue(teacher), TeacherSerial = p.GetValue(teacherSerial)!,
                StudentSerials = p.GetValue(serials)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Algo = p.GetValue(algo)!, Shape = p.GetValue(shape)!.ToString(), TeacherEpochs = p.GetValue(teacherEpochs), Batch = p.GetValue(batch),
                Transfer = p.GetValue(transfer), StudentSteps = p.GetValue(studentSteps), Temperature = p.GetValue(temperature),
                OmittedDigit = p.GetValue(omitted), Generations = p.GetValue(generations), Test = p.GetValue(test), Seed = p.GetValue(seed),
                Dataset = p.GetValue(dataset)!, DataRoot = p.GetValue(dataRoot), Parallel = p.GetValue(parallel),
                KeepJournals = p.GetValue(keepJournals), PrimeLessons = !p.GetValue(noPrime),
            });
            return 0;
        });
        return cmd;
    }

    private sealed record Context(Settings S, SimBoardSupply Boards, NetworkShape Shape, MnistForBoards Data, LabelledSet Canary, LabelledSet Test,
        float[] Sample, int SampleCount, TextWriter Log, Stopwatch Wall)
    {
        /// <summary>Handovers that ended without a verified student, with their causes.</summary>
        public ConcurrentBag<string> Failures { get; } = [];

        public void Say(string text)
        {
            lock (Log) { Log.WriteLine($"[{Wall.Elapsed:hh\\:mm\\:ss}] {text}"); Log.Flush(); }
        }

        public HandoverPlan Plan(LessonKind lesson = LessonKind.Soft, int? transfer = null) => new()
        {
            TransferExamples = transfer ?? S.Transfer, QueryBatch = 64, TrainBatch = S.Batch, StudentSteps = S.StudentSteps, StepsPerRound = 16,
            EvaluateEveryRounds = 50, Temperature = S.Temperature, Lesson = lesson, BoardTimePerRound = TimeSpan.FromMinutes(30),
            ServeRequestsPerRound = 0, Seed = S.Seed,
        };
    }

    public static JsonObject Run(Settings s)
    {
        var wall = Stopwatch.StartNew();
        if (s.StudentSerials.Count == 0) throw new Cli.CliUsageException("--student-serials needs at least one serial");
        if (s.StudentSerials.GroupBy(x => x).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new Cli.CliUsageException($"--student-serials names serial {twice.Key} twice (each student is its own board and journal)");
        if (s.OmittedDigit is < 0 or > 9) throw new Cli.CliUsageException("--omitted-digit must be 0..9");
        if (s.Generations is < 1 or > 1000) throw new Cli.CliUsageException($"--generations must be in [1, 1000] (got {s.Generations})");
        if (s.Parallel is < 1 or > 64) throw new Cli.CliUsageException($"--parallel must be in [1, 64] (got {s.Parallel})");
        if (s.TeacherEpochs < 1) throw new Cli.CliUsageException($"--teacher-epochs must be at least 1 (got {s.TeacherEpochs})");
        Directory.CreateDirectory(s.OutDir);
        Directory.CreateDirectory(Path.Combine(s.OutDir, "journals"));
        var shape = NetworkShape.Parse(s.Shape);
        var data = MnistForBoards.Load(s.Dataset, HandoverCommand.DownsampleFor(shape.Inputs), s.DataRoot, Console.Out);
        int sampleCount = 256;
        var ctx = new Context(s, SimBoardSupply.ForPreset(s.Preset), shape, data,
            MnistForBoards.Labelled(data.Train, data.Train.Count - s.Canary, s.Canary),
            MnistForBoards.Labelled(data.Test, 0, Math.Min(s.Test, data.Test.Count)),
            data.Train.Pixels.AsSpan(0, sampleCount * data.Features).ToArray(), sampleCount, Console.Out, wall);
        int usable = Math.Min(50_000, data.Train.Count - s.Canary);
        if (s.Transfer > usable) throw new Cli.CliUsageException($"--transfer {s.Transfer} exceeds the {usable} training images available");

        // The teacher.
        SimulatedBoard teacherBoard;
        MappedNetwork teacherNet;
        if (s.Teacher is { } spec)
        {
            var (device, net) = BoardBundle.Open(spec, null);
            teacherBoard = device as SimulatedBoard ?? throw new Cli.CliUsageException("--teacher must be a simulated board (simfile:FILE)");
            teacherNet = net;
        }
        else
        {
            ctx.Say($"training the teacher: {s.Preset} #{s.TeacherSerial}, {s.Shape}, {s.Algo}, {s.TeacherEpochs} epochs in batches of {s.Batch}");
            var school = TeacherSchool.TrainEpochs(ctx.Boards, s.TeacherSerial, shape, s.Algo, data.Train.Take(usable), data.Test, s.TeacherEpochs, s.Batch, s.Seed);
            teacherBoard = (SimulatedBoard)school.Board;
            teacherNet = school.Network;
            BoardBundle.Save(teacherBoard, teacherNet, Path.Combine(s.OutDir, "teacher.board"));
        }
        double teacherBest = ClassifierEvaluation.Accuracy(teacherNet, ctx.Test);
        ctx.Say($"teacher: {teacherBest:P2}");
        var teacherBytes = SimBoardKeeper.ToBytes(teacherBoard);
        var teacherNetBytes = NetworkBytes.Save(teacherNet);
        BoardNetwork TeacherCopy()
        {
            // Each concurrent handover asks its own copy of the teacher (a simulated board serves one caller at a time).
            var b = SimBoardKeeper.FromBytes(teacherBytes);
            return new BoardNetwork(b, NetworkBytes.Load(b, teacherNetBytes));
        }
        var copySource = CopyBaseline.Read(teacherNet);
        var transfer = new TransferSet(MnistForBoards.Unlabelled(data.Train, 0, s.Transfer), data.Features, s.Transfer, s.Seed, data.Width);

        var json = new JsonObject
        {
            ["preset"] = s.Preset, ["algo"] = s.Algo, ["shape"] = s.Shape, ["teacher_best"] = teacherBest, ["student_steps"] = s.StudentSteps,
            ["batch"] = s.Batch, ["transfer"] = s.Transfer, ["temperature"] = s.Temperature, ["test_examples"] = ctx.Test.Count,
        };

        // 1. Copy versus distill, one student serial at a time (in parallel).
        ctx.Say($"1. copy vs distill onto {s.StudentSerials.Count} serials");
        var rows = new ConcurrentDictionary<string, (double Copied, double Distilled, long CopyPulses, long StudentPulses, BoardNetwork Student)>();
        System.Threading.Tasks.Parallel.ForEach(s.StudentSerials, new ParallelOptions { MaxDegreeOfParallelism = s.Parallel }, serial =>
        {
            var copy = CopyBaseline.Copy(copySource, ctx.Boards, serial, shape, s.Algo, ctx.Sample, ctx.SampleCount, s.Seed);
            double copied = ClassifierEvaluation.Accuracy(copy.Network, ctx.Test);
            var d = Distill(ctx, TeacherCopy(), serial, ctx.Plan(), transfer, $"distill-{serial}");
            ctx.Say($"  #{serial}: copied {copied:P2}, distilled {d.Accuracy:P2}");
            rows[serial] = (copied, d.Accuracy, copy.Report.Pulses, d.Outcome.Result.StudentPulses, d.Outcome.Student);
        });
        var ordered = s.StudentSerials.Select(x => (Serial: x, Row: rows[x])).ToArray();
        json["copy_vs_distill"] = new JsonObject
        {
            ["rows"] = new JsonArray(ordered.Select(o => (JsonNode)new JsonObject
            {
                ["serial"] = o.Serial, ["copied"] = o.Row.Copied, ["distilled"] = o.Row.Distilled, ["copy_programming_pulses"] = o.Row.CopyPulses,
                ["student_pulses"] = o.Row.StudentPulses,
            }).ToArray()),
            ["mean_copied"] = ordered.Average(o => o.Row.Copied),
            ["mean_distilled"] = ordered.Average(o => o.Row.Distilled),
            ["distill_minus_copy_points"] = Math.Round(100 * (ordered.Average(o => o.Row.Distilled) - ordered.Average(o => o.Row.Copied)), 2),
            ["mean_distilled_vs_teacher_best"] = Math.Round(ordered.Average(o => o.Row.Distilled) / teacherBest, 4),
        };

        // 2. Soft vs hard vs true labels, equal budget, on the first serial.
        string first = s.StudentSerials[0];
        ctx.Say($"2. soft vs teacher-hard vs true labels on #{first}, {s.StudentSteps} steps of {s.Batch} each");
        double soft = rows[first].Distilled;
        var hard = Distill(ctx, TeacherCopy(), first, ctx.Plan(LessonKind.TeacherHard), transfer, $"hard-{first}");
        var truth = TeacherSchool.Train(ctx.Boards, first, shape, s.Algo, data.Train, s.Transfer, s.StudentSteps, s.Batch, s.Seed + 17);
        double trueLabels = ClassifierEvaluation.Accuracy(truth.Network, ctx.Test);
        ctx.Say($"  soft {soft:P2}, teacher-hard {hard.Accuracy:P2}, true labels {trueLabels:P2}");
        json["lessons"] = new JsonObject
        {
            ["serial"] = first, ["soft"] = soft, ["teacher_hard"] = hard.Accuracy, ["true_labels"] = trueLabels,
            // Both counted on the same teacher outputs: what the soft targets carry vs what their argmax carries.
            ["soft_information_bits_per_example"] = Math.Round(hard.Outcome.Result.InformationBitsPerExample, 3),
            ["hard_label_bits_per_example"] = Math.Round(hard.Outcome.Result.LabelBitsPerExample, 3),
            ["note"] = "the same transfer images for all three; true labels are those images' labels; same steps and batch",
        };

        // 3. The omitted class.
        int digit = s.OmittedDigit;
        ctx.Say($"3. omitted class: transfer set without {digit}s, student #{first}");
        var keep = Enumerable.Range(0, s.Transfer).Where(i => data.Train.Labels[i] != digit).ToArray();
        var pool = new float[keep.Length * data.Features];
        for (int j = 0; j < keep.Length; j++) data.Train.Example(keep[j]).CopyTo(pool.AsSpan(j * data.Features));
        var omittedTransfer = new TransferSet(pool, data.Features, keep.Length, s.Seed, data.Width);
        var omittedRun = Distill(ctx, TeacherCopy(), first, ctx.Plan(transfer: keep.Length), omittedTransfer, $"omitted-{digit}");
        var bias = BiasCorrection.Choose(omittedRun.Outcome.Student.Network, ctx.Canary, digit);
        var biasVector = new float[shape.Outputs];
        biasVector[digit] = bias.Shift;
        double digitBefore = ClassifierEvaluation.ClassAccuracy(omittedRun.Outcome.Student.Network, ctx.Test, digit);
        double digitAfter = ClassifierEvaluation.ClassAccuracy(omittedRun.Outcome.Student.Network, ctx.Test, digit, logitBias: biasVector);
        double overallAfter = ClassifierEvaluation.Accuracy(omittedRun.Outcome.Student.Network, ctx.Test, logitBias: biasVector);
        double teacherDigit = ClassifierEvaluation.ClassAccuracy(teacherNet, ctx.Test, digit);
        ctx.Say($"  {digit}s: teacher {teacherDigit:P1}; student {digitBefore:P1} before, {digitAfter:P1} after raising its bias by {bias.Shift:F2}; overall {omittedRun.Accuracy:P2} -> {overallAfter:P2}");
        json["omitted_class"] = new JsonObject
        {
            ["digit"] = digit, ["transfer_examples"] = keep.Length, ["teacher_digit_accuracy"] = teacherDigit,
            ["student_digit_accuracy_before"] = digitBefore, ["student_digit_accuracy_after"] = digitAfter,
            ["student_overall_before"] = omittedRun.Accuracy, ["student_overall_after"] = overallAfter, ["bias_shift"] = bias.Shift,
            ["bias_chosen_on"] = $"the {ctx.Canary.Count}-image labelled canary set (held out from training and test), maximising overall accuracy",
            ["hinton_2015"] = "784-800-800-10 student on MNIST without 3s: 206 test errors, 133 of them on the 1,010 threes; bias of 3 raised by 3.5: 109 errors, 14 on threes",
        };

        // 4. Generations.
        ctx.Say($"4. {s.Generations} generations, each distilled from the one before{(s.PrimeLessons ? " and from the lessons of the first teacher's prime" : "")}");
        string primePath = Path.Combine(s.OutDir, "journals", "prime-lessons.db");
        // The first teacher's outputs on the transfer set, journaled now while it is at its best: every later generation learns from them too.
        var prime = s.PrimeLessons ? PrimeLessons.Record(teacherNet, transfer, ctx.Plan(), primePath) : null;
        var generations = new List<(string Serial, double Accuracy)> { ("teacher #" + (s.Teacher is null ? s.TeacherSerial : teacherBoard.Description.SerialNumber), teacherBest) };
        BoardNetwork parent = rows[first].Student;
        generations.Add(($"#{first}", rows[first].Distilled));
        for (int g = 2; g <= s.Generations; g++)
        {
            string serial = (300 + g).ToString(CultureInfo.InvariantCulture);
            var child = Distill(ctx, parent, serial, ctx.Plan(), transfer, $"generation-{g}", prime);
            generations.Add(($"#{serial}", child.Accuracy));
            ctx.Say($"  generation {g} (#{serial}): {child.Accuracy:P2}");
            parent = child.Outcome.Student;
        }
        json["generations"] = new JsonArray(generations.Select((x, i) => (JsonNode)new JsonObject
        {
            ["generation"] = i, ["board"] = x.Serial, ["accuracy"] = x.Accuracy,
        }).ToArray());
        json["prime_lessons"] = prime is null ? null : new JsonObject
        {
            ["examples"] = prime.Examples, ["teacher_queries"] = prime.TeacherQueries, ["payload_bits"] = prime.PayloadBits, ["share_of_student_minibatches"] = ctx.Plan().PrimeShare,
            ["used_by"] = "generations 2 and later (generation 1 is part 1's student, distilled from the teacher itself)",
        };
        if (prime is not null && !s.KeepJournals)
            HandoverJournal.Delete(primePath);
        json["handover_failures"] = new JsonArray(ctx.Failures.Order(StringComparer.Ordinal).Select(f => (JsonNode)f).ToArray());
        json["knowledge_budget"] = s.Policy.KnowledgeBudget;
        json["wall_seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 1);

        HandoverCommand.WriteJson(Path.Combine(s.OutDir, "mortality.json"), json);
        LinePlots.Save(Path.Combine(s.OutDir, "generations.png"), $"generations of distillation ({s.Preset}, {s.Algo}, {s.Shape})", "generation", "test accuracy",
            [new PlotSeries("accuracy", generations.Select((_, i) => (double)i).ToArray(), generations.Select(x => x.Accuracy).ToArray())], yRange: (0, 1));
        LinePlots.Save(Path.Combine(s.OutDir, "copy-vs-distill.png"), $"copy vs distill per student serial ({s.Preset})", "student (index)", "test accuracy",
            [
                new PlotSeries("copied weights", ordered.Select((_, i) => (double)i).ToArray(), ordered.Select(o => o.Row.Copied).ToArray()),
                new PlotSeries("distilled", ordered.Select((_, i) => (double)i).ToArray(), ordered.Select(o => o.Row.Distilled).ToArray()),
                new PlotSeries("teacher", ordered.Select((_, i) => (double)i).ToArray(), ordered.Select(_ => teacherBest).ToArray()),
            ], yRange: (0, 1));
        PrintTables(json);
        ctx.Say($"wrote {Path.Combine(s.OutDir, "mortality.json")}, generations.png, copy-vs-distill.png");
        return json;
    }

    private sealed record Distilled(HandoverOutcome Outcome, double Accuracy);

    private static Distilled Distill(Context ctx, BoardNetwork teacher, string serial, HandoverPlan plan, TransferSet transfer, string name, PrimeLessons? prime = null)
    {
        var setup = new LifecycleSetup
        {
            Boards = ctx.Boards, Shape = ctx.Shape, Algo = ctx.S.Algo, Canary = ctx.Canary, Transfer = transfer, Sample = ctx.Sample, SampleCount = ctx.SampleCount,
            Plan = plan, Policy = ctx.S.Policy, Seed = ctx.S.Seed, Prime = prime,
        };
        var student = HandoverLifecycle.FreshStudent(setup, serial);
        string journal = Path.Combine(ctx.S.OutDir, "journals", name + ".db");
        var outcome = HandoverLifecycle.Distil(setup, teacher, student, journal, $"experiment: {name}");
        if (outcome.Result.State != HandoverState.Retired)
        {
            // A failed handover is reported, not hidden: its student is measured as it stands, and the journal is kept.
            ctx.Failures.Add($"{name}: {outcome.Result.State.Name()}: {outcome.Result.Reason} (journal kept: {journal})");
            ctx.Say($"  handover {name} failed: {outcome.Result.Reason}");
        }
        else if (!ctx.S.KeepJournals)
            HandoverJournal.Delete(journal);
        return new Distilled(outcome, ClassifierEvaluation.Accuracy(outcome.Student.Network, ctx.Test));
    }

    private static void PrintTables(JsonObject j)
    {
        static string P(JsonNode? n) => n is null ? "-" : ((double)n).ToString("P2", CultureInfo.InvariantCulture);
        var copy = new Table().Title("copy vs distill").AddColumns("student serial", "copied", "distilled");
        foreach (var r in j["copy_vs_distill"]!["rows"]!.AsArray()) copy.AddRow(r!["serial"]!.ToString(), P(r["copied"]), P(r["distilled"]));
        copy.AddRow("[bold]mean[/]", P(j["copy_vs_distill"]!["mean_copied"]), P(j["copy_vs_distill"]!["mean_distilled"]));
        AnsiConsole.Write(copy);
        var lessons = new Table().Title("what the student learns from (equal budget)").AddColumns("soft targets", "teacher's hard labels", "true labels");
        lessons.AddRow(P(j["lessons"]!["soft"]), P(j["lessons"]!["teacher_hard"]), P(j["lessons"]!["true_labels"]));
        AnsiConsole.Write(lessons);
        var o = j["omitted_class"]!;
        var omitted = new Table().Title($"transfer set without {o["digit"]}s").AddColumns("", "before bias correction", "after");
        omitted.AddRow($"accuracy on {o["digit"]}s", P(o["student_digit_accuracy_before"]), P(o["student_digit_accuracy_after"]));
        omitted.AddRow("overall", P(o["student_overall_before"]), P(o["student_overall_after"]));
        AnsiConsole.Write(omitted);
        var gens = new Table().Title("generations").AddColumns("generation", "board", "accuracy");
        foreach (var g in j["generations"]!.AsArray()) gens.AddRow(g!["generation"]!.ToString(), g["board"]!.ToString(), P(g["accuracy"]));
        AnsiConsole.Write(gens);
    }
}

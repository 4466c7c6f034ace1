using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MortalHil.Core.Devices;
using MortalHil.Core.Files;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Host.Options;
using MortalHil.Sim;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// <c>mortalhil handover --teacher SPEC --student SPEC --journal FILE.db --out DIR</c>: one journaled
/// handover from a trained teacher board to a fresh student board. Run it again with the same
/// journal after the process was killed and it resumes.
/// </summary>
public static class HandoverCommand
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Everything a handover run needs, parsed and checked.</summary>
    public sealed record Settings
    {
        public required string Teacher { get; init; }
        public string? TeacherNetwork { get; init; }
        public required string Student { get; init; }
        public required string Journal { get; init; }
        public required string OutDir { get; init; }
        public string Dataset { get; init; } = "mnist";
        public string? DataRoot { get; init; }
        public string Algo { get; init; } = "np";
        public float? LearningRate { get; init; }
        public UpdateMode? Update { get; init; }
        public string? StudentShape { get; init; }
        public int CanarySize { get; init; } = 500;
        public int TestSize { get; init; } = 10_000;
        public int TrafficSize { get; init; } = 1000;
        public int JitterPixels { get; init; }
        public float JitterNoise { get; init; }
        /// <summary>The handover's budgets; it runs as <see cref="Policy"/> verifies it (<see cref="LifecyclePolicy.Verified"/>).</summary>
        public required HandoverPlan Plan { get; init; }
        /// <summary>The lifecycle policy: the student cuts over only within its knowledge budget of the teacher.</summary>
        public LifecyclePolicy Policy { get; init; } = new();
        public bool Quiet { get; init; }
    }

    public static Command Create()
    {
        // The lifecycle's one set of defaults (the demo's and experiment mortality's).
        var d = new DemoSettings { OutDir = "" };
        var teacher = new Option<string>("--teacher") { Description = "Trained teacher board, e.g. simfile:teacher.board (its network: FILE.net.json, as train --save-board writes it)", Required = true }.NotEmpty();
        var teacherNet = new Option<string?>("--teacher-network") { Description = "Network file of the teacher (default: the simfile's FILE.net.json)" }.NotEmpty();
        var student = new Option<string>("--student") { Description = "Fresh student board, e.g. sim:reram:7", Required = true }.NotEmpty();
        var journal = SharedOptions.Journal();
        var output = SharedOptions.OutDir("Output folder: handover.json and the student board");
        var dataset = SharedOptions.Dataset();
        var dataRoot = SharedOptions.DataDir();
        var transfer = SharedOptions.Transfer(d.Transfer);
        var steps = SharedOptions.StudentSteps("--steps", d.StudentSteps, "Student training steps (its budget)");
        var batch = SharedOptions.Batch(d.Batch, "Examples per student step");
        var temperature = SharedOptions.Temperature(d.Temperature);
        var bits = SharedOptions.Count("--bits", "Bits per class probability sent to the student", 8, 1, 16);
        var lesson = SharedOptions.Lesson();
        var algo = SharedOptions.OnChipAlgorithm("np", "On-chip trainer of the student");
        var lr = SharedOptions.LearningRate("--lr", "Student learning rate (default: the train command's for the algorithm)");
        var update = SharedOptions.Update();
        var shape = SharedOptions.Shape("--student-shape", "Student network (default: the teacher's shape)");
        var canary = SharedOptions.Count("--canary", "Canary set size (labelled, held out)", d.Canary, 10, 100_000);
        var test = SharedOptions.Examples("--test", "Test examples for the final student accuracy", 10_000);
        var queryBatch = SharedOptions.Count("--query-batch", "Teacher queries per round (one journaled batch)", d.QueryBatch, 1, Limits.Batch);
        var stepsPerRound = SharedOptions.Count("--steps-per-round", "Student steps per round", d.StepsPerRound, 1, 1_000_000);
        var evaluateEvery = SharedOptions.Count("--evaluate-every", "Rounds between canary checks and checkpoints", 50, 1, 1_000_000);
        var hoursPerRound = SharedOptions.HoursPerRound(d.HoursPerRound, "Board time a round takes (the handover shares the boards with live traffic)");
        var serve = SharedOptions.Count("--serve", "Live requests served per round", 8, 0, 1_000_000);
        var jitter = SharedOptions.Count("--jitter", "Shift transfer images by up to this many pixels", 0, 0, 8);
        var noise = new Option<float>("--noise") { Description = "Add Gaussian pixel noise of this size to transfer images", DefaultValueFactory = _ => 0f }.InRange(0f, 10f);
        var seed = SharedOptions.Seed(1, "Seed of minibatches, transfer order and the student's mapping");
        var pace = SharedOptions.Count("--pace-ms", "Wall-clock pause after each round (pacing beside live traffic)", 0, 0, 60_000);
        var budget = LifecycleOptions.KnowledgeBudget(d.Policy.KnowledgeBudget);
        var extra = LifecycleOptions.ExtraStudentBudget(d.Policy.ExtraStudentBudget);

        var cmd = new Command("handover", "Hand a dying board's knowledge to a fresh board by on-chip distillation, journaled so a killed run resumes.");
        foreach (var o in new Option[] { teacher, teacherNet, student, journal, output, dataset, dataRoot, transfer, steps, batch, temperature, bits, lesson, algo, lr, update,
                     shape, canary, test, queryBatch, stepsPerRound, evaluateEvery, hoursPerRound, serve, jitter, noise, seed, pace, budget, extra })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var settings = new Settings
            {
                Teacher = p.GetValue(teacher)!, TeacherNetwork = p.GetValue(teacherNet), Student = p.GetValue(student)!,
                Journal = p.GetValue(journal)!, OutDir = p.GetValue(output)!, Dataset = p.GetValue(dataset)!, DataRoot = p.GetValue(dataRoot),
                Algo = p.GetValue(algo)!, LearningRate = p.GetValue(lr), Update = p.GetValue(update), StudentShape = p.GetValue(shape)?.ToString(),
                CanarySize = p.GetValue(canary), TestSize = p.GetValue(test), JitterPixels = p.GetValue(jitter), JitterNoise = p.GetValue(noise),
                Plan = new HandoverPlan
                {
                    TransferExamples = p.GetValue(transfer), QueryBatch = p.GetValue(queryBatch), TrainBatch = p.GetValue(batch),
                    StudentSteps = p.GetValue(steps), StepsPerRound = p.GetValue(stepsPerRound), EvaluateEveryRounds = p.GetValue(evaluateEvery),
                    Temperature = p.GetValue(temperature), QuantisationBits = p.GetValue(bits), Lesson = p.GetValue(lesson),
                    BoardTimePerRound = TimeSpan.FromHours(p.GetValue(hoursPerRound)), ServeRequestsPerRound = p.GetValue(serve),
                    Seed = p.GetValue(seed), Pace = TimeSpan.FromMilliseconds(p.GetValue(pace)),
                },
                Policy = d.Policy with { KnowledgeBudget = p.GetValue(budget), ExtraStudentBudget = p.GetValue(extra) },
            };
            return Run(settings) is { State: HandoverState.Retired } ? 0 : 1;
        });
        return cmd;
    }

    /// <summary>Runs (or resumes) one handover and writes DIR/handover.json; returns the result.</summary>
    public static HandoverResult Run(Settings s)
    {
        var wall = Stopwatch.StartNew();
        HandoverPlan plan;
        try
        {
            s.Policy.Validate();
            plan = s.Policy.Verified(s.Plan);
            plan.Validate();
        }
        catch (ArgumentException e) { throw new CliUsageException(e.Message); }
        if (s.CanarySize < 10) throw new CliUsageException("--canary must be at least 10");
        // Where results go is checked before the teacher is asked anything.
        s = s with { OutDir = OutputLocation.PrepareDirectory(s.OutDir, "--out"), Journal = OutputLocation.PrepareFile(s.Journal, "--journal") };
        var log = s.Quiet ? TextWriter.Null : Console.Out;

        // The teacher's network says what inputs it was trained on.
        int teacherInputs, teacherClasses;
        string teacherShape;
        {
            var (probe, net) = BoardBundle.Open(s.Teacher, s.TeacherNetwork);
            using var _ = probe;
            teacherInputs = net.InputCount;
            teacherClasses = net.ClassCount;
            teacherShape = net.Shape.ToString();
        }
        int downsample = DownsampleFor(teacherInputs);
        var studentShape = NetworkShape.Parse(s.StudentShape ?? teacherShape);
        if (studentShape.Inputs != teacherInputs || studentShape.Outputs != teacherClasses)
            throw new CliUsageException($"student shape {studentShape} must have the teacher's {teacherInputs} inputs and {teacherClasses} outputs");

        var data = MnistForBoards.Load(s.Dataset, downsample, s.DataRoot, log);
        // Transfer pool: training images without labels. Canary: held-out training images. Traffic and test: the test set.
        int poolSize = Math.Min(50_000, data.Train.Count - s.CanarySize);
        if (poolSize < 1) throw new CliUsageException($"dataset has too few training images for a canary set of {s.CanarySize}");
        var transfer = new TransferSet(MnistForBoards.Unlabelled(data.Train, 0, poolSize), data.Features, plan.TransferExamples, plan.Seed,
            data.Width, s.JitterPixels, s.JitterNoise);
        var canary = MnistForBoards.Labelled(data.Train, data.Train.Count - s.CanarySize, s.CanarySize);
        var traffic = MnistForBoards.Labelled(data.Test, 0, Math.Min(s.TrafficSize, data.Test.Count));
        var test = MnistForBoards.Labelled(data.Test, 0, Math.Min(s.TestSize, data.Test.Count));

        var fingerprint = new Dictionary<string, string>(plan.Fingerprint())
        {
            // The teacher is recognised by what its files hold, not by the path it was named by (a relative path
            // means another file when run from another folder).
            ["teacher"] = TeacherIdentity(s.Teacher), ["teacher_network"] = ContentFingerprint.Of(s.TeacherNetwork ?? BoardBundle.NetworkPath(s.Teacher["simfile:".Length..])), ["student"] = s.Student,
            ["student_shape"] = studentShape.ToString(), ["dataset"] = s.Dataset, ["algo"] = s.Algo,
            ["lr"] = s.LearningRate?.ToString("R", CultureInfo.InvariantCulture) ?? "default", ["update"] = s.Update?.ToString() ?? "default", ["canary"] = s.CanarySize.ToString(CultureInfo.InvariantCulture),
            ["jitter"] = s.JitterPixels.ToString(CultureInfo.InvariantCulture), ["noise"] = s.JitterNoise.ToString("R", CultureInfo.InvariantCulture),
        };

        IStudentLearner? finalStudent = null;
        HandoverResult result;
        double? studentAccuracy = null;
        string? studentFile = null;
        using (var journal = HandoverJournal.Open(s.Journal, fingerprint))
        {
            log.WriteLine(journal.Resumed
                ? $"journal {s.Journal}: resuming (attempt {journal.Attempt}) from state {journal.State.Name()}"
                : $"journal {s.Journal}: new handover");
            if (!journal.State.IsFinal()) Emit(log, journal.State, "current state");
            var trainerFor = HandoverLifecycle.StudentTrainer(s.Algo, plan, s.LearningRate, s.Update);
            var boards = new HandoverBoards(
                clock => OpenTeacher(s, clock),
                checkpoint =>
                {
                    var student = OpenStudent(s, plan, studentShape, transfer, trainerFor, checkpoint);
                    finalStudent = student;
                    return new KeepAfterRun(student);
                });
            var watchers = new HandoverWatchers(
                p =>
                {
                    if (p.Round % plan.EvaluateEveryRounds == 0 || p.StudentCanary is not null && p.StudentSteps >= p.StudentBudget)
                        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"round {p.Round}: collected {p.CollectedExamples}/{p.TransferExamples}, student step {p.StudentSteps}/{p.StudentBudget}, " +
                            $"canary student {Fmt(p.StudentCanary)} teacher {Fmt(p.TeacherCanary)}{(p.TeacherAlive ? "" : " (teacher dead)")}, served by {p.ServedBy}"));
                },
                (state, reason) => Emit(log, state, reason));
            result = HandoverLifecycle.Run(journal, plan, transfer, canary, boards, "handover requested on the command line", traffic: traffic, watchers: watchers);

            // One process, one attempt: the journal opened above serves the scoring below too.
            if (finalStudent is MappedStudent ms && result.State == HandoverState.Retired)
            {
                studentAccuracy = ClassifierEvaluation.Accuracy(ms.Network, test);
                if (ms.Device is SimulatedBoard sim)
                {
                    studentFile = Path.Combine(s.OutDir, "student.board");
                    BoardBundle.Save(sim, ms.Network, studentFile);
                }
            }
            finalStudent?.Dispose();
            if (studentAccuracy is null && result.State == HandoverState.Retired)
            {
                // Resumed after the handover had finished: reopen the student from its last checkpoint to score it.
                if (journal.LatestCheckpoint() is { } c)
                {
                    using var st = OpenStudent(s, plan, studentShape, transfer, HandoverLifecycle.StudentTrainer(s.Algo, plan, s.LearningRate, s.Update), c);
                    // The journal's last checkpoint is the student it retired with: emit it again, so a run killed (or
                    // unable to write) after "retired" loses nothing.
                    if (st.Device is SimulatedBoard sim)
                    {
                        studentFile = Path.Combine(s.OutDir, "student.board");
                        BoardBundle.Save(sim, st.Network, studentFile);
                    }
                    studentAccuracy = ClassifierEvaluation.Accuracy(st.Network, test);
                }
            }
        }

        var json = ToJson(result, studentAccuracy, test.Count, s with { Plan = plan }, wall.Elapsed, studentFile);
        WriteJson(Path.Combine(s.OutDir, "handover.json"), json);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.State.Name()}: student accuracy {Fmt(studentAccuracy)} on {test.Count} test images, teacher queries {result.TeacherQueries} over {result.Attempts} attempt(s), resumed {result.Resumed.ToString().ToLowerInvariant()}"));
        log.WriteLine($"wrote {Path.Combine(s.OutDir, "handover.json")}");
        return result;
    }

    /// <summary>A board spec as a journal remembers it: a saved board by its content, any other by its spec.</summary>
    internal static string TeacherIdentity(string spec) =>
        spec.StartsWith("simfile:", StringComparison.Ordinal) ? "simfile " + ContentFingerprint.Of(spec["simfile:".Length..]) : spec;

    /// <summary>Prints a state line (tests and scripts watch for "state NAME").</summary>
    private static void Emit(TextWriter log, HandoverState state, string reason)
    {
        log.WriteLine($"state {state.Name()}: {reason}");
        log.Flush();
    }

    private static IHandoverBoard OpenTeacher(Settings s, TimeSpan? clock)
    {
        var (device, net) = BoardBundle.Open(s.Teacher, s.TeacherNetwork);
        // A simulated teacher reopened after a crash has aged as the real board would have meanwhile.
        if (clock is { } c && device is SimulatedBoard sim && sim.Now < c) sim.AdvanceTime(c - sim.Now);
        return new MappedBoard(device, net, SimBoardKeeper.Instance);
    }

    private static MappedStudent OpenStudent(Settings s, HandoverPlan plan, NetworkShape shape, TransferSet transfer,
        Func<long, Core.Learning.Trainers.IOnChipTrainer> trainerFor, HandoverCheckpoint? checkpoint)
    {
        if (checkpoint is not null)
        {
            IDevice device = checkpoint.StudentBoard is { } bytes ? SimBoardKeeper.FromBytes(bytes) : BoardOpener.Open(s.Student);
            try { return MappedStudent.Restore(device, checkpoint.StudentHost, SimBoardKeeper.Instance, trainerFor); }
            catch { device.Dispose(); throw; }
        }
        var fresh = BoardOpener.Open(s.Student);
        try
        {
            int n = Math.Min(256, transfer.Size);
            var sample = new float[n * transfer.InputCount];
            transfer.Fill(0, n, sample);
            var net = OnChipTraining.Map(fresh, shape, s.Algo, sample, n, plan.Seed);
            return new MappedStudent(fresh, net, SimBoardKeeper.Instance, trainerFor);
        }
        catch { fresh.Dispose(); throw; }
    }

    /// <summary>28x28 images give 784 inputs; 14x14 (downsampled by 2) 196; 7x7 (by 4) 49.</summary>
    internal static int DownsampleFor(int inputs) => inputs switch
    {
        784 => 1,
        196 => 2,
        49 => 4,
        _ => throw new CliUsageException($"teacher network takes {inputs} inputs; expected 784, 196 or 49 (28x28 images downsampled by 1, 2 or 4)"),
    };

    internal static JsonObject ToJson(HandoverResult r, double? studentAccuracy, int testCount, Settings s, TimeSpan wall, string? studentFile) => new()
    {
        ["state"] = r.State.Name(),
        ["student_accuracy"] = studentAccuracy,
        ["test_examples"] = testCount,
        ["teacher_queries"] = r.TeacherQueries,
        ["teacher_transfer_queries"] = r.TeacherTransferQueries,
        ["teacher_canary_queries"] = r.TeacherCanaryQueries,
        ["resumed"] = r.Resumed,
        ["attempts"] = r.Attempts,
        ["collected_examples"] = r.CollectedExamples,
        ["transfer_examples"] = r.TransferExamples,
        ["teacher_died"] = r.TeacherDied,
        ["student_steps"] = r.StudentSteps,
        ["student_pulses"] = r.StudentPulses,
        ["student_canary"] = r.StudentCanary,
        ["teacher_canary_first"] = r.TeacherCanaryFirst,
        ["teacher_canary_last"] = r.TeacherCanaryLast,
        ["reason"] = r.Reason,
        ["knowledge_budget"] = s.Plan.VerifyWithin,
        ["max_student_steps"] = s.Plan.MaxStudentSteps,
        ["handover_board_hours"] = Math.Round(r.HandoverBoardTime.TotalHours, 3),
        ["lesson"] = s.Plan.Lesson == LessonKind.Soft ? "soft" : "hard",
        ["temperature"] = s.Plan.Temperature,
        ["bits"] = new JsonObject
        {
            ["payload_per_example"] = r.PayloadBitsPerExample,
            ["information_per_example"] = Math.Round(r.InformationBitsPerExample, 3),
            ["label_per_example"] = Math.Round(r.LabelBitsPerExample, 3),
            ["payload_total"] = r.PayloadBitsPerExample * r.CollectedExamples,
            ["information_total"] = Math.Round(r.InformationBitsPerExample * r.CollectedExamples),
            ["how_counted"] = "payload: classes x quantisation bits actually sent; information: sum over classes of the plug-in entropy of each class's quantised probability over the transfer set (an estimate of what the soft targets carry); label: entropy of the teacher's argmax (<= log2 classes)",
        },
        ["served"] = new JsonObject { ["by_teacher"] = r.ServedByTeacher, ["by_student"] = r.ServedByStudent, ["correct"] = r.ServedCorrect },
        ["transitions"] = new JsonArray(r.Transitions.Select(t => (JsonNode)new JsonObject
        {
            ["attempt"] = t.Attempt, ["from"] = t.From.Name(), ["to"] = t.To.Name(), ["reason"] = t.Reason, ["board_hours"] = Math.Round(t.BoardTime.TotalHours, 3),
        }).ToArray()),
        ["student_board"] = studentFile,
        ["wall_seconds_this_attempt"] = Math.Round(wall.TotalSeconds, 2),
    };

    /// <summary>Writes a lifecycle result (handover.json, demo.json, mortality.json), stamped with its kind (the file's name) and version.</summary>
    internal static void WriteJson(string path, JsonNode node)
    {
        StampedJson.Write(path, node.ToJsonString(Json), Path.GetFileNameWithoutExtension(path), 1);
    }

    internal static string Fmt(double? v) => v is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>Lets the command score and save the student after the run, which otherwise disposes the boards it opened.</summary>
    private sealed class KeepAfterRun(MappedStudent inner) : IStudentLearner
    {
        public string Name => inner.Name;
        public Core.Learning.IClassifier Model => inner.Model;
        public TimeSpan BoardTime => inner.BoardTime;
        public byte[]? SaveBoard() => inner.SaveBoard();
        public void AdvanceClock(TimeSpan dt) => inner.AdvanceClock(dt);
        public double Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch) => inner.Step(inputs, targets, batch);
        public long StepsTaken => inner.StepsTaken;
        public long PulsesApplied => inner.PulsesApplied;
        public byte[] SaveHostState() => inner.SaveHostState();
        public void Dispose() { }
    }
}

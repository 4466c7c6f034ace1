using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Evaluation;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Host.Cli;
using MortalHil.Host.Options;
using MortalHil.Host.Plots;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands.Mortal;

/// <summary>
/// <c>mortalhil experiment mortal</c>: copy vs copy + last-layer retraining vs distillation onto student boards, on
/// the analog-chain board swept over neuron mismatch and on the per-layer-ADC reram board beside it, and the
/// energy/time ledger of one inference on each board and on this CPU. Writes mortal.json, mortal.md, mortal.csv
/// and mortal.png.
/// </summary>
public static class ExperimentMortalCommand
{
    /// <summary>CPU energy per FLOP used for the CPU line of the ledger (assumed; see the JSON's cpu.source).</summary>
    public const double CpuJoulesPerFlop = 5e-12;
    private const string CpuSource = "assumed 5 pJ per FLOP: Horowitz, ISSCC 2014, 45 nm: FP32 multiply 3.7 pJ + add 0.9 pJ with operands in registers; " +
                                     "caches and DRAM add more, so this is a lower bound for a CPU. Time measured on this machine.";

    public static Command Create()
    {
        var cmd = new Command("mortal", "Copy vs copy+retrain vs distillation on analog-chain boards (swept over neuron mismatch) and on the per-layer-ADC reram board; energy per inference.");
        var output = new Option<string>("--out") { Description = "Output directory", Required = true };
        var size = new Option<string>("--size") { Description = "small: 14x14 MNIST on a 196-64-10 chain (minutes); full: 784-256-10 on reram-mortal (hours)", DefaultValueFactory = _ => "small" };
        var students = new Option<int>("--students") { Description = "Student boards per case", DefaultValueFactory = _ => 5 };
        var mismatch = new Option<string>("--mismatch") { Description = "Neuron mismatch factors (0 none, 1 the preset's, more: worse)", DefaultValueFactory = _ => "0,1,4" };
        var algo = new Option<string>("--algo") { Description = "np or ll", DefaultValueFactory = _ => "np" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Training examples (default: small 10000, full 60000)" };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs of teacher and distillation training (default 2)" };
        var transfer = new Option<int?>("--transfer-examples") { Description = "Unlabelled images a distilled student learns from (default: the teacher's training examples)" };
        var distilEpochs = new Option<int?>("--distil-epochs") { Description = "Passes of a distilled student over its transfer images (default: --epochs)" }.InRange(1, 100);
        var retrain = new Option<int>("--retrain-examples") { Description = "Labelled examples for the last-layer retraining of a copy", DefaultValueFactory = _ => 2000 };
        var temperature = new Option<float>("--temperature") { Description = "Distillation temperature", DefaultValueFactory = _ => 2f };
        var skipReram = new Option<bool>("--skip-reram") { Description = "Only the chain boards" };
        var skipChain = new Option<bool>("--skip-chain") { Description = "Only the per-layer-ADC reram board" };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 1 };
        var dataDir = DataCommand.DataDirOption();
        foreach (var o in new Option[] { output, size, students, mismatch, algo, trainLimit, epochs, transfer, distilEpochs, retrain, temperature, skipReram, skipChain, seed, dataDir })
            cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            string sz = parse.GetValue(size)!;
            if (sz is not ("small" or "full")) throw new CliUsageException("--size must be small or full");
            string a = parse.GetValue(algo)!;
            if (a is not ("np" or "ll")) throw new CliUsageException("--algo must be np or ll");
            int n = parse.GetValue(students);
            if (n < 1) throw new CliUsageException("--students must be at least 1");
            var factors = parse.GetValue(mismatch)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(f => double.TryParse(f, CultureInfo.InvariantCulture, out var v) && v >= 0 && v <= 20 ? v : throw new CliUsageException($"--mismatch: '{f}' is not a factor in [0, 20]")).ToArray();
            int ep = parse.GetValue(epochs) ?? 2;
            if (parse.GetValue(transfer) is < 1) throw new CliUsageException("--transfer-examples must be at least 1");
            if (ep < 1) throw new CliUsageException("--epochs must be at least 1");
            int distilPasses = parse.GetValue(distilEpochs) ?? ep;
            if (parse.GetValue(temperature) is not (>= 0.1f and <= 100f)) throw new CliUsageException("--temperature must be in [0.1, 100]");
            if (parse.GetValue(skipReram) && parse.GetValue(skipChain)) throw new CliUsageException("--skip-reram and --skip-chain leave no board to compare");
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(outDir);
            var probe = Path.Combine(outDir, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, ""); File.Delete(probe);
            var raw = DatasetSpec.Parse("mnist").Load(parse.GetValue(dataDir), Console.Error);
            var data = ImagePreprocessing.Prepare(raw, sz == "small" ? 2 : 1, PixelNormalization.UnitRange);
            return Run(new Plan(sz, n, factors, a, parse.GetValue(trainLimit) ?? (sz == "small" ? 10000 : 60000), ep, parse.GetValue(transfer), distilPasses, parse.GetValue(retrain),
                parse.GetValue(temperature), parse.GetValue(skipReram), parse.GetValue(skipChain), parse.GetValue(seed)), data, outDir, string.Join(' ', parse.Tokens.Select(t => t.Value)));
        });
        return cmd;
    }

    private sealed record Plan(string Size, int Students, double[] Factors, string Algo, int TrainExamples, int Epochs, int? TransferExamples, int DistilEpochs, int RetrainExamples,
        float Temperature, bool SkipReram, bool SkipChain, int Seed);

    private sealed record Ledger(string Board, float Accuracy, WorkReport PerInference, double WallSecondsPerInference);

    private static int Run(Plan p, ImageDataset data, string outDir, string arguments)
    {
        var wall = Stopwatch.StartNew();
        var log = Console.Error;
        int inputs = data.Train.Features, hidden = p.Size == "small" ? 64 : 256, classes = data.Train.Classes;
        var chainBase = p.Size == "small" ? MortalPresets.Sized(MortalPresets.ReRamMortal, inputs, hidden, classes, 4) : MortalPresets.ReRamMortal;
        var reramPreset = p.Size == "small"
            ? BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 2, Rows = 2 * inputs + 2, Columns = Math.Max(hidden, 4 * classes + classes) + 8 } }
            : BuiltInPresets.ReRam;
        var shape = new NetworkShape([inputs, hidden, classes]);
        var outcomes = new List<HandoverOutcome>();
        var ledgers = new List<Ledger>();

        foreach (var factor in p.SkipChain ? [] : p.Factors)
        {
            var preset = MortalPresets.WithNeuronMismatch(chainBase, factor);
            var d = TrainDefaults.For(p.Algo, chain: true);
            var settings = new MortalComparisonSettings
            {
                TrainExamples = p.TrainExamples, TransferExamples = p.TransferExamples, Epochs = p.Epochs, DistilEpochs = p.DistilEpochs, Batch = d.Batch, RetrainExamples = p.RetrainExamples, Temperature = p.Temperature,
                Trainer = d.Settings with { Seed = p.Seed }, Algo = p.Algo, Seed = p.Seed, LearningRateDecay = d.LearningRateDecay,
                Mapping = new MappingOptions { Pairs = PairOrientation.Columns, ReadoutGroups = d.ReadoutGroups, Seed = p.Seed },
            };
            outcomes.AddRange(Compare($"chain x{factor:0.##}", "chain", factor, s => SimulatedBoard.Create(preset, s), shape, settings, p, data, log, chain: true,
                factor == 1 || p.Factors.Length == 1 ? ledgers : null));
        }
        if (!p.SkipReram)
        {
            var d = TrainDefaults.For(p.Algo);
            var settings = new MortalComparisonSettings
            {
                TrainExamples = p.TrainExamples, TransferExamples = p.TransferExamples, Epochs = p.Epochs, DistilEpochs = p.DistilEpochs, Batch = d.Batch, RetrainExamples = p.RetrainExamples, Temperature = p.Temperature,
                Trainer = d.Settings with { Seed = p.Seed }, Algo = p.Algo, Seed = p.Seed, LearningRateDecay = d.LearningRateDecay,
                Mapping = new MappingOptions { Pairs = d.Pairs, ReadoutGroups = d.ReadoutGroups, InitialWindowFraction = d.InitialWindowFraction, Seed = p.Seed },
            };
            outcomes.AddRange(Compare("per-layer-ADC reram", "per-layer", double.NaN, s => SimulatedBoard.Create(reramPreset, s), shape, settings, p, data, log,
                chain: false, ledgers));
        }
        var cpu = CpuLedger(shape, data, p, log);
        Write(outDir, p, outcomes, ledgers, cpu, wall.Elapsed.TotalSeconds, arguments);
        log.WriteLine($"experiment mortal ({p.Size}) done in {wall.Elapsed.TotalMinutes:F1} min; outputs in {outDir}");
        return 0;
    }

    private static IEnumerable<HandoverOutcome> Compare(string label, string kind, double factor, Func<string, SimulatedBoard> board, NetworkShape shape,
        MortalComparisonSettings s, Plan p, ImageDataset data, TextWriter log, bool chain, List<Ledger>? ledgers)
    {
        var w = Stopwatch.StartNew();
        var teacherBoard = board("teacher");
        var teacher = MortalComparison.Map(teacherBoard, shape, s, data.Train);
        var trainer = TrainerFactory.Create(s.Algo, s.Trainer, chain);
        MortalComparison.TrainOnLabels(teacher, trainer, data.Train, s.TrainExamples, s.Epochs, s.Batch, s.Seed, s.LearningRateDecay);
        var before = teacher.Ledger.Snapshot();
        var testWatch = Stopwatch.StartNew();
        float taught = MortalComparison.Accuracy(teacher, data.Test);
        double perInferenceWall = testWatch.Elapsed.TotalSeconds / data.Test.Count;
        ledgers?.Add(new Ledger(label, taught, WorkReport.Of(teacher.Ledger.Snapshot() - before, data.Test.Count, teacherBoard.Description.Costs), perInferenceWall));
        log.WriteLine($"{label}: teacher {taught:P2} after {w.Elapsed.TotalSeconds:F0} s");
        // Control: the same copy onto a fresh board with the teacher's own serial (its cells, neurons and faults as made).
        // If this copy fails too, the loss comes from measuring and reprogramming the weights, not from the boards' differences.
        var twinBoard = board("teacher");
        long twinPulses0 = twinBoard.ReadHealth().TotalPulses;
        float twinned = MortalComparison.Accuracy(MortalComparison.Copy(teacher, twinBoard, s, data.Train), data.Test);
        yield return new HandoverOutcome(kind, factor, "teacher-twin", "copy-twin", twinned, taught, twinBoard.ReadHealth().TotalPulses - twinPulses0);
        log.WriteLine($"{label}: copy onto the teacher's twin {twinned:P2}");
        for (int i = 1; i <= p.Students; i++)
        {
            string serial = $"student-{i}";
            var copyBoard = board(serial);
            long pulses0 = copyBoard.ReadHealth().TotalPulses;
            var copy = MortalComparison.Copy(teacher, copyBoard, s, data.Train);
            float copied = MortalComparison.Accuracy(copy, data.Test);
            yield return new HandoverOutcome(kind, factor, serial, "copy", copied, taught, copyBoard.ReadHealth().TotalPulses - pulses0);
            MortalComparison.RetrainLastLayer(copy, s, data.Train, chain);
            float retrained = MortalComparison.Accuracy(copy, data.Test);
            yield return new HandoverOutcome(kind, factor, serial, "copy+retrain", retrained, taught, copyBoard.ReadHealth().TotalPulses - pulses0);

            var distilBoard = board(serial);
            long pulses1 = distilBoard.ReadHealth().TotalPulses;
            var student = MortalComparison.Map(distilBoard, shape, s with { Seed = s.Seed + i }, data.Train);
            var st = TrainerFactory.Create(s.Algo, s.Trainer with { Seed = s.Seed + i, Temperature = s.Temperature }, chain);
            MortalComparison.Distil(student, st, teacher, data.Train, s.TransferExamples ?? s.TrainExamples, s.DistilEpochs ?? s.Epochs, s.Batch, s.Temperature, s.Seed + i, s.LearningRateDecay);
            float distilled = MortalComparison.Accuracy(student, data.Test);
            yield return new HandoverOutcome(kind, factor, serial, "distil", distilled, taught, distilBoard.ReadHealth().TotalPulses - pulses1);
            log.WriteLine($"{label} {serial}: copy {copied:P2}, copy+retrain {retrained:P2}, distil {distilled:P2} (teacher {taught:P2}; {w.Elapsed.TotalSeconds:F0} s)");
        }
    }

    private static object CpuLedger(NetworkShape shape, ImageDataset data, Plan p, TextWriter log)
    {
        var net = FloatNetwork.Random(shape, p.Seed);
        var trainer = new DigitalBackpropTrainer(new DigitalBackpropOptions(0.05f));
        int batch = 64, n = data.Train.Features, examples = Math.Min(p.TrainExamples, data.Train.Count);
        var targets = new float[batch * shape.Outputs];
        for (int e = 0; e < p.Epochs; e++)
            for (int start = 0; start + batch <= examples; start += batch)
            {
                TargetDistributions.OneHot(data.Train.Labels.AsSpan(start, batch), shape.Outputs, targets);
                trainer.Step(net, data.Train.Pixels.AsSpan(start * n, batch * n), targets, batch);
            }
        var watch = Stopwatch.StartNew();
        float accuracy = Evaluator.Accuracy(net, data.Test);
        double seconds = watch.Elapsed.TotalSeconds / data.Test.Count;
        double flops = 0;
        for (int l = 0; l < shape.LayerCount; l++) flops += 2.0 * shape.Sizes[l] * shape.Sizes[l + 1];
        log.WriteLine($"CPU bp-digital: {accuracy:P2}, {seconds * 1e6:F2} us and {flops * CpuJoulesPerFlop * 1e9:F3} nJ per inference");
        return new { accuracy, seconds_per_inference = seconds, flops_per_inference = flops, joules_per_flop = CpuJoulesPerFlop, joules_per_inference = flops * CpuJoulesPerFlop, source = CpuSource };
    }

    private static void Write(string outDir, Plan p, List<HandoverOutcome> outcomes, List<Ledger> ledgers, object cpu, double seconds, string arguments)
    {
        var groups = outcomes.GroupBy(o => (o.BoardKind, o.Mismatch, o.Method)).Select(g => new
        {
            board = g.Key.BoardKind, mismatch = double.IsNaN(g.Key.Mismatch) ? (double?)null : g.Key.Mismatch, method = g.Key.Method,
            teacher = g.First().TeacherAccuracy, mean = g.Average(o => o.Accuracy), min = g.Min(o => o.Accuracy), max = g.Max(o => o.Accuracy),
            mean_fraction_of_teacher = g.Average(o => o.Accuracy / o.TeacherAccuracy), students = g.Count(),
        }).ToList();
        var json = new
        {
            size = p.Size, algo = p.Algo, students = p.Students, mismatch_factors = p.Factors, train_examples = p.TrainExamples, transfer_examples = p.TransferExamples ?? p.TrainExamples, epochs = p.Epochs, distil_epochs = p.DistilEpochs,
            retrain_examples = p.RetrainExamples, temperature = p.Temperature, seed = p.Seed, wall_seconds = seconds, arguments,
            summary = groups,
            outcomes = outcomes.Select(o => new { board = o.BoardKind, mismatch = double.IsNaN(o.Mismatch) ? (double?)null : o.Mismatch, serial = o.Serial, method = o.Method, accuracy = o.Accuracy, teacher = o.TeacherAccuracy, pulses = o.Pulses }),
            ledger = new { boards = ledgers.Select(l => new { board = l.Board, accuracy = l.Accuracy, wall_seconds_per_inference = l.WallSecondsPerInference, per_inference = l.PerInference.ToJson() }), cpu },
        };
        string text = JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true });
        Core.Files.StampedJson.Write(Path.Combine(outDir, "mortal.json"), text, "mortal", 2); // version 1 carried "version": 1 and no checksum

        var md = new StringBuilder();
        md.AppendLine($"# experiment mortal ({p.Size}, {p.Algo}, {p.Students} students, {p.TrainExamples} examples x {p.Epochs} epochs, distillation on {p.TransferExamples ?? p.TrainExamples} unlabelled images x {p.DistilEpochs} epochs, T = {p.Temperature:0.##})").AppendLine();
        md.AppendLine("| board | neuron mismatch | method | teacher | students mean | min | max | mean / teacher |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var g in groups)
            md.AppendLine(FormattableString.Invariant($"| {g.board} | {(g.mismatch is { } m ? $"x{m:0.##}" : "-")} | {g.method} | {g.teacher:P2} | {g.mean:P2} | {g.min:P2} | {g.max:P2} | {g.mean_fraction_of_teacher:P1} |"));
        md.AppendLine().AppendLine("| ledger: one inference | accuracy | energy (nJ) | converters | array | neurons | board time (us) |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var l in ledgers)
        {
            var e = l.PerInference.Energy;
            md.AppendLine(FormattableString.Invariant($"| {l.Board} | {l.Accuracy:P2} | {(e?.TotalJoules ?? double.NaN) * 1e9:F3} | {(e?.ConverterJoules ?? double.NaN) * 1e9:F3} | {(e?.ArrayJoules ?? double.NaN) * 1e9:F3} | {(e?.NeuronJoules ?? double.NaN) * 1e9:F3} | {l.PerInference.BoardSeconds * 1e6:F2} |"));
        }
        Atomic(Path.Combine(outDir, "mortal.md"), md.ToString());

        var csv = new StringBuilder("board,mismatch,serial,method,accuracy,teacher,pulses\n");
        foreach (var o in outcomes)
            csv.AppendLine(FormattableString.Invariant($"{o.BoardKind},{(double.IsNaN(o.Mismatch) ? "" : o.Mismatch.ToString(CultureInfo.InvariantCulture))},{o.Serial},{o.Method},{o.Accuracy},{o.TeacherAccuracy},{o.Pulses}"));
        Core.Files.StampedCsv.Write(Path.Combine(outDir, "mortal.csv"), csv.ToString(), "mortal", 1);

        var chainGroups = groups.Where(g => g.board == "chain").ToList();
        var series = new List<PlotSeries>();
        foreach (var method in new[] { "copy-twin", "copy", "copy+retrain", "distil" })
        {
            var pts = chainGroups.Where(g => g.method == method).OrderBy(g => g.mismatch).ToList();
            if (pts.Count > 0) series.Add(new PlotSeries($"chain {method}", pts.Select(g => g.mismatch ?? 0).ToArray(), pts.Select(g => (double)g.mean).ToArray()));
        }
        var teachers = chainGroups.Where(g => g.method == "copy").OrderBy(g => g.mismatch).ToList();
        if (teachers.Count > 0) series.Add(new PlotSeries("chain teacher", teachers.Select(g => g.mismatch ?? 0).ToArray(), teachers.Select(g => (double)g.teacher).ToArray()));
        var xs = p.Factors.OrderBy(f => f).ToArray();
        foreach (var g in groups.Where(g => g.board == "per-layer"))
            series.Add(new PlotSeries($"per-layer ADC {g.method}", xs, xs.Select(_ => (double)g.mean).ToArray()));
        if (series.Count > 0)
            LinePlots.Save(Path.Combine(outDir, "mortal.png"), $"Handover onto student boards ({p.Size}, {p.Algo}): mean over {p.Students} students",
                "neuron mismatch (x the preset's)", "test accuracy", series);
    }

    private static void Atomic(string path, string text) => Core.Files.AtomicFile.WriteAllText(path, text);
}

using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MortalHil.Core.Data;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Learning.Training;
using MortalHil.Core.Files;
using MortalHil.Host.Cli;
using MortalHil.Host.Options;
using MortalHil.Host.Plots;
using MortalHil.Host.Runs;
using Spectre.Console;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil experiment learning</c>: MNIST test accuracy of every trainer on the ideal and reram boards
/// (with forward passes, pulses and time), and how each trainer's gradient estimate degrades as the hidden layer
/// widens. Writes learning.json, learning.md, learning.csv, accuracy-vs-passes.png and gradient-cosine.png.
/// </summary>
public static class ExperimentLearningCommand
{
    public static Command Create()
    {
        var cmd = new Command("learning", "MNIST accuracy per trainer on ideal and reram boards, and gradient-estimate quality versus hidden width.");
        var output = SharedOptions.OutDir("Output directory");
        var boards = new Option<string>("--boards") { Description = "Comma-separated board presets", DefaultValueFactory = _ => "ideal,reram" }.NotEmpty();
        var algos = new Option<string>("--algos") { Description = "Comma-separated trainers", DefaultValueFactory = _ => "bp-digital,np,ll,wp" }.NotEmpty();
        var serial = SharedOptions.Count("--serial", "Serial number of the simulated boards", 42, 0, int.MaxValue);
        var epochs = SharedOptions.Epochs("Epochs per training run (default: each trainer's default)");
        var trainLimit = SharedOptions.OptionalExamples("--train-limit", "Train on only the first N examples (quicker, less accurate)");
        var widths = new Option<string>("--widths") { Description = "Hidden widths of the variance study", DefaultValueFactory = _ => "16,32,64,128,256,512,1024" };
        var batches = SharedOptions.Count("--variance-batches", "Batches averaged per width in the variance study", 5, 1, 1000);
        var skipVariance = new Option<bool>("--skip-variance") { Description = "Only the accuracy table" };
        var skipAccuracy = new Option<bool>("--skip-accuracy") { Description = "Only the variance study" };
        var seed = SharedOptions.Seed();
        var db = SharedOptions.Db();
        var dataDir = SharedOptions.DataDir();
        foreach (var o in new Option[] { output, boards, algos, serial, epochs, trainLimit, widths, batches, skipVariance, skipAccuracy, seed, db, dataDir })
            cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var outDir = OutputLocation.PrepareDirectory(parse.GetValue(output)!, "--out");
            var boardList = parse.GetValue(boards)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var algoList = parse.GetValue(algos)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var a in algoList) TrainDefaults.For(a); // validates the names
            var widthList = parse.GetValue(widths)!.Split(',', StringSplitOptions.RemoveEmptyEntries)
                .Select(w => int.TryParse(w, out var v) && v > 0 && v <= Limits.LayerWidth ? v : throw new CliUsageException($"--widths: '{w}' is not a width in [1, {Limits.LayerWidth}]")).ToArray();
            int varianceBatches = parse.GetValue(batches);
            int s = parse.GetValue(seed);
            Directory.CreateDirectory(outDir);
            var data = DatasetSpec.Parse("mnist").Load(parse.GetValue(dataDir), Console.Error);
            using var store = new RunStore(RunStore.ResolvePath(parse.GetValue(db)));
            long runId = store.Start(new RunRecord
            {
                StartedUtc = RunStore.Now(), Status = "running", Command = "experiment learning", Dataset = "mnist", Board = string.Join(",", boardList),
                Algo = string.Join(",", algoList), Seed = s, OutDir = outDir, Arguments = string.Join(' ', parse.Tokens.Select(t => t.Value)),
            });
            var started = DateTime.UtcNow;
            try
            {
                var rows = new List<AccuracyRow>();
                if (!parse.GetValue(skipAccuracy))
                    rows.AddRange(AccuracyTable(data, boardList, algoList, parse.GetValue(serial), parse.GetValue(epochs), parse.GetValue(trainLimit), s, outDir));
                var variance = parse.GetValue(skipVariance) ? [] : RunVariance(data, widthList, varianceBatches, s);
                Write(outDir, rows, variance);
                store.Finish(runId, "completed", wallSeconds: (DateTime.UtcNow - started).TotalSeconds);
            }
            catch (Exception e)
            {
                store.Finish(runId, e is OperationCanceledException ? "interrupted" : "failed", error: ErrorClassifier.Classify(e).Message);
                throw;
            }
            Console.WriteLine($"experiment learning: outputs in {outDir}");
            return 0;
        });
        return cmd;
    }

    /// <summary>One trained (board, trainer) pair.</summary>
    public sealed record AccuracyRow(string Board, string Algo, float TestAccuracy, long ForwardPasses, long Pulses, long MaxPulsesPerCell,
        double WallSeconds, double SimSeconds, int Epochs, long TrainExamples, IReadOnlyList<CurvePoint> Curve);

    private static List<AccuracyRow> AccuracyTable(ImageDataset data, string[] boards, string[] algos, int serial, int? epochs, int? trainLimit, int seed, string outDir)
    {
        var rows = new List<AccuracyRow>();
        var jobs = new List<(string Board, string Algo)>();
        if (algos.Contains("bp-digital")) jobs.Add(("digital", "bp-digital"));
        foreach (var b in boards)
        foreach (var a in algos.Where(a => a != "bp-digital"))
            jobs.Add(($"sim:{b}:{serial}", a));
        foreach (var (board, algo) in jobs)
        {
            var d = TrainDefaults.For(algo);
            var request = new TrainRequest
            {
                Algo = algo, Board = board, Shape = NetworkShape.Parse("784-256-10"), Data = data,
                Schedule = new TrainingSchedule(epochs ?? d.Epochs, d.Batch, seed, d.LearningRateDecay, trainLimit, 2, 2000),
                Settings = d.Settings with { Seed = seed },
                Mapping = new MappingOptions { Pairs = d.Pairs, InitialWindowFraction = d.InitialWindowFraction, ReadoutGroups = d.ReadoutGroups, Seed = seed },
                DigitalLearningRate = d.DigitalLearningRate,
            };
            AnsiConsole.MarkupLine($"[bold]{Markup.Escape(algo)}[/] on [bold]{Markup.Escape(board)}[/]");
            var r = LiveProgress.Run($"{algo} on {board}", bar => TrainSession.Run(request, TextWriter.Null, p =>
                bar.Report(p.Step, p.StepsTotal,
                    $"{algo} on {board}: epoch {p.Epoch + 1}/{p.Epochs}, test {(float.IsNaN(p.LastTestAccuracy) ? "-" : p.LastTestAccuracy.ToString("P1", CultureInfo.InvariantCulture))}")),
                autoClear: true);
            Console.WriteLine($"  {algo} on {board}: {r.TestAccuracy:P2}, {r.ForwardPasses:N0} passes, {r.Pulses:N0} pulses, {r.WallSeconds:F0} s");
            rows.Add(new AccuracyRow(board, algo, r.TestAccuracy, r.ForwardPasses, r.Pulses, r.MaxPulsesPerCell, r.WallSeconds, r.SimSeconds,
                request.Schedule.Epochs, r.TrainExamples, r.Curve));
        }
        return rows;
    }

    private static IReadOnlyList<VariancePoint> RunVariance(ImageDataset data, int[] widths, int batches, int seed)
    {
        AnsiConsole.MarkupLine("[bold]variance scaling[/] (ideal board, gradient of the hidden layer)");
        var settings = TrainDefaults.For("np").Settings;
        var points = LiveProgress.Run("variance study", bar =>
            GradientVarianceStudy.Run(data, widths, settings, groupSize: 16, batch: 32, batches, seed, Console.Out, m => bar.Report(0, 0, m)), autoClear: true);
        return points;
    }

    private static void Write(string outDir, List<AccuracyRow> rows, IReadOnlyList<VariancePoint> variance)
    {
        var json = new
        {
            accuracy = rows.Select(r => new
            {
                board = r.Board, algo = r.Algo, test_accuracy = r.TestAccuracy, forward_passes = r.ForwardPasses, pulses = r.Pulses,
                max_pulses_per_cell = r.MaxPulsesPerCell, wall_seconds = r.WallSeconds, sim_seconds = r.SimSeconds, epochs = r.Epochs,
                train_examples = r.TrainExamples,
                curve = r.Curve.Select(c => new { epoch = c.Epoch, test_accuracy = c.TestAccuracy, forward_passes = c.ForwardPasses, pulses = c.Pulses }),
            }),
            targets = new { np_reram = 0.95, ll_reram = 0.965 },
            variance = variance.Select(v => new { hidden = v.Hidden, trainer = v.Trainer, mean_cosine = v.MeanCosine, std_cosine = v.StdCosine, batches = v.Batches }),
        };
        StampedJson.Write(Path.Combine(outDir, "learning.json"), JsonSerializer.Serialize(json, TrainCommand.Json), "learning", 1);

        var md = new StringBuilder();
        var csv = new StringBuilder("section,board,algo,hidden,test_accuracy,forward_passes,pulses,max_pulses_per_cell,wall_seconds,sim_seconds,mean_cosine,std_cosine\n");
        if (rows.Count > 0)
        {
            md.AppendLine("| board | trainer | test accuracy | forward passes | pulses | max pulses/cell | wall s | board s |");
            md.AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Board} | {r.Algo} | {r.TestAccuracy:P2} | {r.ForwardPasses:N0} | {r.Pulses:N0} | {r.MaxPulsesPerCell:N0} | {r.WallSeconds:F0} | {r.SimSeconds:F1} |");
                csv.AppendLine(CultureInfo.InvariantCulture, $"accuracy,{r.Board},{r.Algo},,{r.TestAccuracy},{r.ForwardPasses},{r.Pulses},{r.MaxPulsesPerCell},{r.WallSeconds:F1},{r.SimSeconds:F3},,");
            }
            md.AppendLine();
            LinePlots.Save(Path.Combine(outDir, "accuracy-vs-passes.png"), "MNIST test accuracy while training", "forward passes", "test accuracy",
                rows.Where(r => r.Curve.Count > 0).Select(r => new PlotSeries($"{r.Algo} @ {r.Board}", r.Curve.Select(c => (double)Math.Max(1, c.ForwardPasses)).ToArray(),
                    r.Curve.Select(c => (double)c.TestAccuracy).ToArray())), logX: true, yRange: (0, 1));
        }
        if (variance.Count > 0)
        {
            md.AppendLine("| hidden width | trainer | cosine to true gradient (mean ± std) |");
            md.AppendLine("|---|---|---|");
            foreach (var v in variance)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {v.Hidden} | {v.Trainer} | {v.MeanCosine:F3} ± {v.StdCosine:F3} |");
                csv.AppendLine(CultureInfo.InvariantCulture, $"variance,ideal,{v.Trainer},{v.Hidden},,,,,,,{v.MeanCosine:F4},{v.StdCosine:F4}");
            }
            LinePlots.Save(Path.Combine(outDir, "gradient-cosine.png"), "Gradient estimate vs true gradient (hidden layer, ideal board)", "hidden width",
                "cosine similarity", variance.GroupBy(v => v.Trainer).Select(g => new PlotSeries(g.Key, g.Select(v => (double)v.Hidden).ToArray(),
                    g.Select(v => v.MeanCosine).ToArray())), logX: true, yRange: (0, 1));
        }
        Atomic(Path.Combine(outDir, "learning.md"), md.ToString());
        StampedCsv.Write(Path.Combine(outDir, "learning.csv"), csv.ToString(), "learning", 1);
    }

    private static void Atomic(string path, string text)
    {
        AtomicFile.WriteAllText(path, text);
    }
}

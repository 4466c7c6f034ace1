using MortalHil.Core.Learning.Accounting;
using System.CommandLine;
using System.Text.Json;
using MortalHil.Core.Data;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Learning.Training;
using MortalHil.Host.Cli;
using MortalHil.Host.Plots;
using MortalHil.Host.Runs;
using Spectre.Console;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil train</c>: trains a network on a board (or the float reference) and writes DIR/train.json,
/// DIR/learning-curve.png and a row in the run store.
/// </summary>
public static class TrainCommand
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var cmd = new Command("train", "Train a network on a board with an on-chip algorithm (np, ll, wp) or the digital backprop reference (bp-digital).");
        var board = new Option<string>("--board") { Description = "Board spec, e.g. sim:reram:42 or simfile:FILE (see 'mortalhil boards')", DefaultValueFactory = _ => "sim:reram:42" };
        var algo = new Option<string>("--algo") { Description = "np (node perturbation), ll (local losses), wp (weight perturbation), bp-digital (float reference)", DefaultValueFactory = _ => "np" };
        var dataset = new Option<string>("--dataset") { Description = $"Dataset: {DatasetSpec.Usage}", DefaultValueFactory = _ => "mnist" };
        var output = new Option<string>("--out") { Description = "Output directory for train.json and learning-curve.png", Required = true };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training set (default per algorithm)" };
        var batch = new Option<int?>("--batch") { Description = "Examples per step (default per algorithm)" };
        var shape = new Option<string?>("--shape", "--hidden") { Description = "Network widths, e.g. 784-256-10 (default: 784-256-10, or 196-128-10 with --downsample 2)" };
        var downsample = new Option<int>("--downsample") { Description = "Average-pool images by this factor (2: 28x28 -> 14x14 for small boards)", DefaultValueFactory = _ => 1 };
        var seed = new Option<int>("--seed") { Description = "Seed of initial weights, example order, perturbations and rounding", DefaultValueFactory = _ => 1 };
        var lrHidden = new Option<float?>("--lr-hidden") { Description = "Learning rate of hidden layers (np, ll)" };
        var lrOutput = new Option<float?>("--lr-output") { Description = "Learning rate of the output layer and local readouts (np, ll)" };
        var lrBias = new Option<float?>("--lr-bias") { Description = "Learning rate of host-side biases (np, ll)" };
        var lr = new Option<float?>("--lr") { Description = "Learning rate of wp and bp-digital" };
        var lrDecay = new Option<float?>("--lr-decay") { Description = "Learning-rate factor applied after each epoch" };
        var directions = new Option<int?>("--directions") { Description = "Perturbation directions per example (np, ll)" };
        var sigma = new Option<float?>("--sigma") { Description = "Perturbation size as a fraction of the activity range (np, ll)" };
        var groups = new Option<int?>("--groups") { Description = "Local-readout groups per hidden layer (ll)" };
        var threshold = new Option<float?>("--transfer-threshold") { Description = "Accumulated updates: pair pulses a weight's change must reach before it is written" };
        var transferEvery = new Option<int?>("--transfer-every") { Description = "Accumulated updates: program the board every N steps" };
        var wpPulses = new Option<int?>("--wp-pulses") { Description = "Perturbation size in pair pulses (wp)" };
        var update = new Option<string?>("--update") { Description = "How updates become pulses: auto, outer (rank-1 trains per example), cell (per-cell counts per batch), accumulated (host accumulator, whole pulses only)" };
        var pairs = new Option<string?>("--pairs") { Description = "Differential pairs on adjacent columns (columns) or rows (rows)" };
        var initFraction = new Option<float?>("--init-fraction") { Description = "Initial weights span this fraction of the conductance window" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Train on only the first N training examples" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Test examples per evaluation during training (the final evaluation uses all)" };
        var evals = new Option<int>("--evals-per-epoch") { Description = "Learning-curve points per epoch", DefaultValueFactory = _ => 4 };
        var saveBoard = new Option<string?>("--save-board") { Description = "Save the trained simulated board to FILE (and its network to FILE.net.json); reload with --board simfile:FILE" };
        var db = RunsCommand.DbOption();
        var dataDir = DataCommand.DataDirOption();
        foreach (var o in new Option[] { board, algo, dataset, output, epochs, batch, shape, downsample, seed, lrHidden, lrOutput, lrBias, lr, lrDecay,
                     directions, sigma, groups, threshold, transferEvery, wpPulses, update, pairs, initFraction, trainLimit, testLimit, evals, saveBoard, db, dataDir })
            cmd.Options.Add(o);

        cmd.SetAction(parse =>
        {
            string algorithm = parse.GetValue(algo)!;
            var defaults = TrainDefaults.For(algorithm, Boards.SimBoardSpec.DescribesChain(parse.GetValue(board)!));
            int down = parse.GetValue(downsample);
            if (down is not (1 or 2 or 4)) throw new CliUsageException("--downsample must be 1, 2 or 4");
            var netShape = parse.GetValue(shape) is { } s ? NetworkShape.Parse(s) : NetworkShape.Parse(down == 1 ? "784-256-10" : down == 2 ? "196-128-10" : "49-64-10");
            var settings = defaults.Settings with
            {
                HiddenLearningRate = parse.GetValue(lrHidden) ?? defaults.Settings.HiddenLearningRate,
                OutputLearningRate = parse.GetValue(lrOutput) ?? defaults.Settings.OutputLearningRate,
                BiasLearningRate = parse.GetValue(lrBias) ?? defaults.Settings.BiasLearningRate,
                WeightPerturbationLearningRate = algorithm == "wp" ? parse.GetValue(lr) ?? defaults.Settings.WeightPerturbationLearningRate : defaults.Settings.WeightPerturbationLearningRate,
                Directions = parse.GetValue(directions) ?? defaults.Settings.Directions,
                PerturbationFraction = parse.GetValue(sigma) ?? defaults.Settings.PerturbationFraction,
                PerturbationPulses = parse.GetValue(wpPulses) ?? defaults.Settings.PerturbationPulses,
                TransferThreshold = parse.GetValue(threshold) ?? defaults.Settings.TransferThreshold,
                TransferEvery = parse.GetValue(transferEvery) ?? defaults.Settings.TransferEvery,
                UpdateMode = parse.GetValue(update) is { } u ? ParseUpdate(u) : defaults.Settings.UpdateMode,
                Seed = parse.GetValue(seed),
            };
            Positive("--directions", settings.Directions);
            Positive("--wp-pulses", settings.PerturbationPulses);
            Positive("--transfer-every", settings.TransferEvery);
            if (!(settings.PerturbationFraction > 0)) throw new CliUsageException("--sigma must be positive");
            var mapping = new MappingOptions
            {
                Pairs = parse.GetValue(pairs) is { } p ? ParsePairs(p) : defaults.Pairs,
                InitialWindowFraction = parse.GetValue(initFraction) ?? defaults.InitialWindowFraction,
                ReadoutGroups = parse.GetValue(groups) ?? defaults.ReadoutGroups,
                Seed = parse.GetValue(seed),
            };
            if (mapping.InitialWindowFraction is <= 0 or > 1) throw new CliUsageException("--init-fraction must be in (0, 1]");
            var schedule = new TrainingSchedule(parse.GetValue(epochs) ?? defaults.Epochs, parse.GetValue(batch) ?? defaults.Batch, parse.GetValue(seed),
                parse.GetValue(lrDecay) ?? defaults.LearningRateDecay, parse.GetValue(trainLimit), parse.GetValue(evals), parse.GetValue(testLimit));
            Positive("--epochs", schedule.Epochs);
            Positive("--batch", schedule.BatchSize);
            Positive("--evals-per-epoch", schedule.EvaluationsPerEpoch);
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            var spec = DatasetSpec.Parse(parse.GetValue(dataset)!);
            var data = ImagePreprocessing.Prepare(spec.Load(parse.GetValue(dataDir), Console.Error), down, PixelNormalization.UnitRange);
            var request = new TrainRequest
            {
                Algo = algorithm, Board = parse.GetValue(board)!, Shape = netShape, Data = data, Schedule = schedule, Settings = settings,
                Mapping = mapping, DigitalLearningRate = parse.GetValue(lr) ?? defaults.DigitalLearningRate, SaveBoard = parse.GetValue(saveBoard),
            };
            Directory.CreateDirectory(outDir);
            return Execute(request, spec.Text, outDir, RunStore.ResolvePath(parse.GetValue(db)), string.Join(' ', parse.Tokens.Select(t => t.Value)));
        });
        return cmd;
    }

    /// <summary>Runs, records and writes the outputs of one training request.</summary>
    public static int Execute(TrainRequest request, string datasetName, string outDir, string dbPath, string arguments)
    {
        using var store = new RunStore(dbPath);
        string boardName = request.Algo == "bp-digital" ? "digital" : request.Board;
        long runId = store.Start(new RunRecord
        {
            StartedUtc = RunStore.Now(), Status = "running", Command = "train", Algo = request.Algo, Board = boardName, Dataset = datasetName,
            Shape = request.Shape.ToString(), Seed = request.Settings.Seed, Epochs = request.Schedule.Epochs, OutDir = outDir, Arguments = arguments,
        });
        TrainResult result;
        try
        {
            result = RunWithProgress(request);
        }
        catch (Exception e)
        {
            store.Finish(runId, "failed", error: e.Message);
            throw;
        }
        WriteOutputs(request, datasetName, outDir, result, runId);
        store.Finish(runId, "completed", result.TestAccuracy, result.ForwardPasses, result.Pulses, result.MaxPulsesPerCell, result.WallSeconds, result.SimSeconds);
        Console.WriteLine($"{request.Algo} on {boardName}: test accuracy {result.TestAccuracy:P2}, {result.ForwardPasses:N0} forward passes, " +
                          $"{result.Pulses:N0} training pulses (max {result.MaxPulsesPerCell:N0} on one cell), {result.WallSeconds:F0} s wall, " +
                          $"{result.SimSeconds:F1} s board time; run {runId}, outputs in {outDir}");
        return 0;
    }

    private static TrainResult RunWithProgress(TrainRequest request) =>
        LiveProgress.Run($"{request.Algo} training", bar => TrainSession.Run(request, Console.Error, p =>
            bar.Report(p.Step, p.StepsTotal,
                $"{request.Algo} epoch {p.Epoch + 1}/{p.Epochs} train {p.RunningTrainAccuracy:P1} test {(float.IsNaN(p.LastTestAccuracy) ? "-" : p.LastTestAccuracy.ToString("P1"))}")),
            remainingTime: true);

    private static void WriteOutputs(TrainRequest r, string datasetName, string outDir, TrainResult result, long runId)
    {
        var json = new
        {
            run_id = runId,
            algo = r.Algo,
            board = r.Algo == "bp-digital" ? "digital" : r.Board,
            board_kind = result.BoardKind,
            board_serial = result.BoardSerial,
            dataset = datasetName,
            shape = r.Shape.ToString(),
            seed = r.Settings.Seed,
            epochs = r.Schedule.Epochs,
            batch = r.Schedule.BatchSize,
            train_examples = result.TrainExamples,
            test_accuracy = result.TestAccuracy,
            forward_passes = result.ForwardPasses,
            pulses = result.Pulses,
            programming_pulses = result.ProgrammingPulses,
            max_pulses_per_cell = result.MaxPulsesPerCell,
            wall_seconds = result.WallSeconds,
            sim_seconds = result.SimSeconds,
            saturated_reads = result.SaturatedReads,
            clipped_updates = result.ClippedUpdates,
            pulse_response = result.Pulse is { } p ? new { up_siemens = p.UpSiemens, down_siemens = p.DownSiemens, volts = p.AmplitudeVolts, width_seconds = p.WidthSeconds } : null,
            settings = r.Settings,
            mapping = new { pairs = r.Mapping.Pairs.ToString(), init_fraction = r.Mapping.InitialWindowFraction, readout_groups = r.Mapping.ReadoutGroups },
            learning_rate_decay = r.Schedule.LearningRateDecay,
            digital_learning_rate = r.Algo == "bp-digital" ? r.DigitalLearningRate : (float?)null,
            saved_board = r.SaveBoard,
            analog_chain = result.Chain,
            per_inference = result.Inferences > 0 ? WorkReport.Of(result.InferenceWork, result.Inferences, result.Costs).ToJson() : null,
            per_training_step = result.Steps > 0 ? WorkReport.Of(result.TrainingWork, result.Steps, result.Costs).ToJson() : null,
            cost_source = result.Costs?.Source,
            curve = result.Curve.Select(c => new { epoch = c.Epoch, examples = c.Examples, train_accuracy = c.TrainAccuracy, test_accuracy = c.TestAccuracy, forward_passes = c.ForwardPasses, pulses = c.Pulses, wall_seconds = c.WallSeconds }),
        };
        var path = Path.Combine(outDir, "train.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(json, Json));
        File.Move(path + ".tmp", path, overwrite: true);
        var xs = result.Curve.Select(c => c.Epoch).ToArray();
        LinePlots.Save(Path.Combine(outDir, "learning-curve.png"), $"{r.Algo} on {(r.Algo == "bp-digital" ? "digital" : r.Board)}, {datasetName} {r.Shape}",
            "epoch", "accuracy",
            [new PlotSeries("test", xs, result.Curve.Select(c => (double)c.TestAccuracy).ToArray()),
             new PlotSeries("train (running)", xs, result.Curve.Select(c => (double)c.TrainAccuracy).ToArray())]);
    }

    private static void Positive(string name, int v)
    {
        if (v < 1) throw new CliUsageException($"{name} must be at least 1");
    }

    internal static UpdateMode ParseUpdate(string s) => s switch
    {
        "auto" => UpdateMode.Auto,
        "outer" => UpdateMode.OuterProduct,
        "cell" => UpdateMode.CellPulses,
        "accumulated" => UpdateMode.Accumulated,
        _ => throw new CliUsageException($"--update '{s}' is not one of: auto, outer, cell, accumulated"),
    };

    internal static PairOrientation ParsePairs(string s) => s switch
    {
        "columns" => PairOrientation.Columns,
        "rows" => PairOrientation.Rows,
        _ => throw new CliUsageException($"--pairs '{s}' is not one of: columns, rows"),
    };
}

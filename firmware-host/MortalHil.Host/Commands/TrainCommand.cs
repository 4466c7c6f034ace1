using MortalHil.Core.Learning.Accounting;
using System.CommandLine;
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
/// <c>mortalhil train</c>: trains a network on a board (or the float reference) and writes DIR/train.json,
/// DIR/learning-curve.png and a row in the run store.
/// </summary>
public static class TrainCommand
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static Command Create()
    {
        var cmd = new Command("train", "Train a network on a board with an on-chip algorithm (np, ll, wp) or the digital backprop reference (bp-digital).");
        var board = SharedOptions.Board("Board spec, e.g. sim:reram:42 or simfile:FILE (see 'mortalhil boards')", "sim:reram:42");
        var algo = SharedOptions.TrainAlgorithm();
        var dataset = SharedOptions.Dataset();
        var output = SharedOptions.OutDir("Output directory for train.json and learning-curve.png");
        var epochs = SharedOptions.Epochs();
        var batch = SharedOptions.OptionalBatch();
        var shape = SharedOptions.Shape("--shape", "Network widths, e.g. 784-256-10 (default: 784-256-10, or 196-128-10 with --downsample 2, 49-64-10 with 4)", null, "--hidden");
        var downsample = SharedOptions.Downsample();
        var seed = SharedOptions.Seed(1, "Seed of initial weights, example order, perturbations and rounding");
        var lrHidden = SharedOptions.LearningRate("--lr-hidden", "Learning rate of hidden layers (np, ll)");
        var lrOutput = SharedOptions.LearningRate("--lr-output", "Learning rate of the output layer and local readouts (np, ll)");
        var lrBias = SharedOptions.LearningRate("--lr-bias", "Learning rate of host-side biases (np, ll)");
        var lr = SharedOptions.LearningRate("--lr", $"Learning rate of wp (at most {Limits.WeightPerturbationLearningRate}) and bp-digital");
        var lrDecay = SharedOptions.OptionalReal("--lr-decay", "Learning-rate factor applied after each epoch", 0f, 1f, minExclusive: true);
        var directions = SharedOptions.OptionalCount("--directions", "Perturbation directions per example (np, ll)", 1, Limits.Directions);
        var sigma = SharedOptions.OptionalReal("--sigma", "Perturbation size as a fraction of the activity range (np, ll)", 0f, 1f, minExclusive: true);
        var groups = SharedOptions.OptionalCount("--groups", "Local-readout groups per hidden layer (ll)", 1, 256);
        var threshold = SharedOptions.OptionalReal("--transfer-threshold", "Accumulated updates: pair pulses a weight's change must reach before it is written", 0f, 10_000f, minExclusive: true);
        var transferEvery = SharedOptions.OptionalCount("--transfer-every", "Accumulated updates: program the board every N steps", 1, 1_000_000);
        var wpPulses = SharedOptions.OptionalCount("--wp-pulses", "Perturbation size in pair pulses (wp)", 1, 64);
        var update = SharedOptions.Update();
        var hiddenError = SharedOptions.HiddenError();
        var globalError = SharedOptions.OptionalReal("--global-error", "ll on an analog chain: weight of the output's error added to each hidden neuron's local-readout error (0: purely local)", 0f, 10f, minExclusive: false);
        var pairs = SharedOptions.Pairs();
        var initFraction = SharedOptions.OptionalReal("--init-fraction", "Initial weights span this fraction of the conductance window", 0f, 1f, minExclusive: true);
        var trainLimit = SharedOptions.OptionalExamples("--train-limit", "Train on only the first N training examples");
        var testLimit = SharedOptions.OptionalExamples("--test-limit", "Test examples per evaluation during training (the final evaluation uses all)");
        var evals = SharedOptions.Count("--evals-per-epoch", "Learning-curve points per epoch", 4, 1, 1000);
        var saveBoard = new Option<string?>("--save-board") { Description = "Save the trained simulated board to FILE (and its network to FILE.net.json); reload with --board simfile:FILE" }.NotEmpty();
        var db = SharedOptions.Db();
        var dataDir = SharedOptions.DataDir();
        foreach (var o in new Option[] { board, algo, dataset, output, epochs, batch, shape, downsample, seed, lrHidden, lrOutput, lrBias, lr, lrDecay,
                     directions, sigma, groups, threshold, transferEvery, wpPulses, update, hiddenError, globalError, pairs, initFraction, trainLimit, testLimit, evals, saveBoard, db, dataDir })
            cmd.Options.Add(o);
        var gpio = SharedOptions.AddGpio(cmd, board);

        cmd.SetAction(parse =>
        {
            string algorithm = parse.GetValue(algo)!;
            var defaults = TrainDefaults.For(algorithm, Boards.BoardOpener.DescribesChain(parse.GetValue(board)!, gpio(parse)));
            int down = parse.GetValue(downsample);
            var netShape = parse.GetValue(shape) ?? NetworkShape.Parse(down == 1 ? "784-256-10" : down == 2 ? "196-128-10" : "49-64-10");
            if (algorithm == "wp" && parse.GetValue(lr) is > Limits.WeightPerturbationLearningRate)
                throw new CliUsageException($"--lr must be in (0, {Limits.WeightPerturbationLearningRate}] for wp (got {parse.GetValue(lr)}): wp's update in pulses grows as the rate over the squared pulse step");
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
                UpdateMode = parse.GetValue(update) ?? defaults.Settings.UpdateMode,
                ChainHiddenError = parse.GetValue(hiddenError) ?? defaults.Settings.ChainHiddenError,
                GlobalErrorWeight = parse.GetValue(globalError) ?? defaults.Settings.GlobalErrorWeight,
                Seed = parse.GetValue(seed),
            };
            var mapping = new MappingOptions
            {
                Pairs = parse.GetValue(pairs) ?? defaults.Pairs,
                InitialWindowFraction = parse.GetValue(initFraction) ?? defaults.InitialWindowFraction,
                ReadoutGroups = parse.GetValue(groups) ?? defaults.ReadoutGroups,
                Seed = parse.GetValue(seed),
            };
            var schedule = new TrainingSchedule(parse.GetValue(epochs) ?? defaults.Epochs, parse.GetValue(batch) ?? defaults.Batch, parse.GetValue(seed),
                parse.GetValue(lrDecay) ?? defaults.LearningRateDecay, parse.GetValue(trainLimit), parse.GetValue(evals), parse.GetValue(testLimit));
            string? saveBoardFile = parse.GetValue(saveBoard);
            if (saveBoardFile is not null && algorithm == "bp-digital")
                throw new CliUsageException("--save-board needs an on-chip trainer (np, ll, wp); bp-digital trains no board");
            if (saveBoardFile is not null && !parse.GetValue(board)!.StartsWith("sim", StringComparison.Ordinal))
                throw new CliUsageException($"--save-board needs a simulated board (sim:... or simfile:...); {parse.GetValue(board)} keeps its own state");
            // Outputs are checked before any work starts: a run must not train for an hour and then find it cannot write.
            var outDir = OutputLocation.PrepareDirectory(parse.GetValue(output)!, "--out");
            if (saveBoardFile is not null)
            {
                saveBoardFile = OutputLocation.PrepareFile(saveBoardFile, "--save-board");
                OutputLocation.PrepareFile(MappedNetworkStore.CompanionPath(saveBoardFile), "--save-board's network file");
            }
            var dbPath = RunStore.ResolvePath(parse.GetValue(db));
            var spec = DatasetSpec.Parse(parse.GetValue(dataset)!);
            var data = ImagePreprocessing.Prepare(spec.Load(parse.GetValue(dataDir), Console.Error), down, PixelNormalization.UnitRange);
            var request = new TrainRequest
            {
                Algo = algorithm, Board = parse.GetValue(board)!, Shape = netShape, Data = data, Schedule = schedule, Settings = settings,
                Mapping = mapping, DigitalLearningRate = parse.GetValue(lr) ?? defaults.DigitalLearningRate, SaveBoard = saveBoardFile, Gpio = gpio(parse),
            };
            return Execute(request, spec.Text, outDir, dbPath, string.Join(' ', parse.Tokens.Select(t => t.Value)));
        });
        return cmd;
    }

    /// <summary>
    /// Runs, records and writes the outputs of one training request. The run's row never stays "running": it ends
    /// "completed" only after every output is written, else "failed" with the error (or "interrupted"); a row left by
    /// a killed process is marked "interrupted" by the next process that opens the store (<see cref="RunStore"/>).
    /// </summary>
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
            WriteOutputs(request, datasetName, outDir, result, runId);
        }
        catch (Exception e)
        {
            store.Finish(runId, e is OperationCanceledException ? "interrupted" : "failed", error: ErrorClassifier.Classify(e).Message);
            throw;
        }
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
        StampedJson.Write(Path.Combine(outDir, "train.json"), JsonSerializer.Serialize(json, Json), "train", 1);
        var xs = result.Curve.Select(c => c.Epoch).ToArray();
        LinePlots.Save(Path.Combine(outDir, "learning-curve.png"), $"{r.Algo} on {(r.Algo == "bp-digital" ? "digital" : r.Board)}, {datasetName} {r.Shape}",
            "epoch", "accuracy",
            [new PlotSeries("test", xs, result.Curve.Select(c => (double)c.TestAccuracy).ToArray()),
             new PlotSeries("train (running)", xs, result.Curve.Select(c => (double)c.TrainAccuracy).ToArray())]);
    }
}

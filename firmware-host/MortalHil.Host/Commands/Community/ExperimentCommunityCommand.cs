using System.CommandLine;
using System.Diagnostics;
using MortalHil.Core.Community;
using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Files;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Host.Commands.Fleet;
using MortalHil.Host.Options;

namespace MortalHil.Host.Commands.Community;

/// <summary>
/// <c>mortalhil experiment community</c>: K simulated boards each learn from their own shard of MNIST, then share what
/// they know three ways (digital replicas averaging weights, mortal boards distilling from each other's soft outputs,
/// mortal boards averaging their conductances); writes community.json, community.csv and community.png (accuracy
/// against bits exchanged). Runs in-process, or with <c>--cluster</c> with its boards on the fleet's nodes and the bytes
/// that cross the network measured; the work is <see cref="CommunityExperiment"/> in Core.
/// </summary>
public static class ExperimentCommunityCommand
{
    public static Command Create()
    {
        var cmd = new Command("community", "K boards learn from different MNIST shards, then share by weight averaging (digital), mutual distillation or conductance averaging (mortal); accuracy vs bits exchanged.");
        var output = SharedOptions.OutDir("Output directory");
        var boards = new Option<string>("--boards") { Description = "Community sizes K, comma-separated (each in [2, 10])", DefaultValueFactory = _ => "2,4,8" }.NotEmpty();
        var shards = new Option<string>("--shards") { Description = "Shard kinds, comma-separated: balanced, skewed", DefaultValueFactory = _ => "balanced,skewed" }.NotEmpty();
        var preset = SharedOptions.Preset("reram-mortal",
            "Preset of the simulated mortal boards (sim:PRESET:SERIAL; a built-in name or a preset JSON file). An analog-chain preset (reram-mortal) fixes the network's shape (784-256-10) and takes the chain defaults of 'train'");
        var algo = SharedOptions.OnChipAlgorithm("np", "On-chip trainer of the mortal boards");
        var downsample = SharedOptions.Downsample("Average-pool MNIST by this factor (default: 1 on an analog chain, whose inputs are 784; 2, 14x14, otherwise)", defaultFactor: 2);
        var hidden = SharedOptions.OptionalCount("--hidden", "Hidden units (default 32; an analog chain fixes its own)", 1, Limits.LayerWidth);
        var shardExamples = SharedOptions.Examples("--shard-examples", "Labelled training examples per board (its own shard of MNIST)", 4000, 32);
        var transferExamples = SharedOptions.Examples("--transfer-examples", "Unlabelled transfer examples the mortal boards distil on", 2000, 32);
        var rounds = SharedOptions.Count("--rounds", "Exchange rounds after the first local training", 4, 1, 100);
        var localEpochs = SharedOptions.Count("--local-epochs", "Passes over a board's own shard per round", 1, 1, 100);
        var distilEpochs = SharedOptions.Count("--distil-epochs", "Passes over the transfer set per round (mutual distillation)", 1, 1, 100);
        var lrDecay = SharedOptions.OptionalReal("--lr-decay", "Factor on the mortal boards' learning rates per round (default: the per-epoch decay 'train' uses for the algorithm on that board kind: 0.7 for np on a chain)", 0f, 1f, minExclusive: true);
        var reach = new Option<string>("--reach") { Description = "Mean accuracies in percent at which the bits-to-accuracy table is read, comma-separated", DefaultValueFactory = _ => "50,70,80,85,90" }.NotEmpty();
        var batch = SharedOptions.Batch(32);
        var temperature = SharedOptions.Temperature(2f, "Temperature of the exchanged soft targets");
        var bits = SharedOptions.Count("--bits", "Bits per exchanged soft-target value", 8, 1, 16);
        var skew = SharedOptions.Real("--skew", "Fraction of a skewed board's examples from its home classes", 0.9, 0, 1);
        var testLimit = SharedOptions.OptionalExamples("--test-limit", "Score each board on the first N test images (default: the whole test set)");
        var seed = SharedOptions.Seed();
        var dataDir = SharedOptions.DataDir();
        var dataset = SharedOptions.Dataset();
        var from = new Option<FileInfo?>("--from") { Description = "Run nothing: read a finished run's community.csv (checked), write its plots into --out and print its bits-to-accuracy table at --reach" };
        var fleet = new FleetOptions(required: false);
        foreach (var o in new Option[] { output, boards, shards, preset, algo, downsample, hidden, shardExamples, transferExamples, rounds, localEpochs, distilEpochs,
                     lrDecay, reach, from, batch, temperature, bits, skew, testLimit, seed, dataDir, dataset })
            cmd.Options.Add(o);
        fleet.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var sizes = ParseList<int>(parse.GetValue(boards)!, "--boards", t => int.TryParse(t, out var k) && k is >= 2 and <= 10 ? k : (int?)null);
            var kinds = ParseList(parse.GetValue(shards)!, "--shards", t => t switch { "balanced" => ShardKind.Balanced, "skewed" => ShardKind.Skewed, _ => (ShardKind?)null });
            var outDir = OutputLocation.PrepareDirectory(parse.GetValue(output)!, "--out");
            var targets = ParseList<double>(parse.GetValue(reach)!, "--reach", t =>
                double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var r) && r is > 0 and <= 100 ? r / 100 : (double?)null);
            if (parse.GetValue(from) is { } finished)
            {
                if (Directory.Exists(finished.FullName)) throw new CliUsageException($"--from: {finished.FullName} is a folder; give the run's community.csv");
                if (!finished.Exists) throw new CliUsageException($"--from: {finished.FullName} does not exist");
                var read = CommunityReport.ReadCsv(finished.FullName, File.ReadAllText(finished.FullName));
                SavePlots(outDir, read);
                PrintBitsToAccuracy(read, targets);
                return 0;
            }
            string presetName = parse.GetValue(preset)!;
            NetworkShape? chainShape;
            using (var probe = BoardOpener.Open($"sim:{presetName}:probe")) // a bad preset fails here, before any data is read
                chainShape = ChainMapper.HasChain(probe) ? new ChainRouting((IAnalogChainDevice)probe).Shape : null;
            int factor = parse.GetResult(downsample) is { Implicit: false } ? parse.GetValue(downsample) : chainShape is null ? 2 : 1;
            if (chainShape is not null && parse.GetValue(hidden) is int h && h != chainShape.Sizes[1])
                throw new CliUsageException($"--hidden: the analog chain of '{presetName}' has {chainShape.Sizes[1]} hidden neurons, not {h}");
            string a = parse.GetValue(algo)!;
            var d = TrainDefaults.For(a, chain: chainShape is not null);
            string datasetSpec = parse.GetValue(dataset)!;
            var raw = DatasetSpec.Parse(datasetSpec).Load(parse.GetValue(dataDir), Console.Error);
            var data = ImagePreprocessing.Prepare(raw, factor, PixelNormalization.UnitRange);
            if (chainShape is not null && (chainShape.Inputs != data.Features || chainShape.Outputs != data.Classes))
                throw new CliUsageException($"the analog chain of '{presetName}' is {chainShape} but the data give {data.Features} inputs and {data.Classes} classes (--downsample {factor})");
            int s = parse.GetValue(seed);
            var settings = new CommunitySettings
            {
                Shape = chainShape ?? new NetworkShape([data.Features, parse.GetValue(hidden) ?? 32, data.Classes]),
                LearningRateDecay = parse.GetValue(lrDecay) ?? d.LearningRateDecay,
                ShardExamples = parse.GetValue(shardExamples), TransferExamples = parse.GetValue(transferExamples), Rounds = parse.GetValue(rounds),
                LocalEpochs = parse.GetValue(localEpochs), DistilEpochs = parse.GetValue(distilEpochs), Batch = parse.GetValue(batch),
                Temperature = parse.GetValue(temperature), QuantisationBits = parse.GetValue(bits), Skew = parse.GetValue(skew), Algo = a,
                Trainer = d.Settings with { Seed = s },
                Mapping = new MappingOptions { Pairs = d.Pairs, InitialWindowFraction = d.InitialWindowFraction, ReadoutGroups = d.ReadoutGroups, Seed = s },
                DigitalLearningRate = TrainDefaults.For("bp-digital").DigitalLearningRate, TestLimit = parse.GetValue(testLimit), Seed = s,
            };
            try { settings.Validate(); }
            catch (ArgumentException e) { throw new CliUsageException(e.Message); }
            var cluster = fleet.From(parse);
            var wall = Stopwatch.StartNew();
            var processor = Process.GetCurrentProcess().TotalProcessorTime;
            var points = cluster is null
                ? CommunityExperiment.Run(data, sizes, kinds, settings, serial => BoardOpener.Open($"sim:{presetName}:{serial}"), Console.Error)
                : ClusterCommunityRun.Run(cluster, settings, sizes, kinds, data.Test.Classes, datasetSpec, parse.GetValue(dataDir), factor, $"sim:{presetName}");
            double processorSeconds = (Process.GetCurrentProcess().TotalProcessorTime - processor).TotalSeconds;
            CommunityReport.Write(outDir, points, settings, string.Join(' ', parse.Tokens.Select(t => t.Value)), wall.Elapsed.TotalSeconds, targets,
                processorSeconds, $"sim:{presetName}");
            SavePlots(outDir, points);
            PrintBitsToAccuracy(points, targets);
            Console.WriteLine(FormattableString.Invariant($"experiment community: {points.Count} board scores in {wall.Elapsed.TotalMinutes:F1} min ({processorSeconds:F0} processor seconds in this process); outputs in {outDir}"));
            return 0;
        });
        return cmd;
    }

    /// <summary>community.png (every series) and, when the run has both kinds of shard, one plot per kind.</summary>
    private static void SavePlots(string outDir, IReadOnlyList<CommunityPoint> points)
    {
        CommunityPlot.Save(Path.Combine(outDir, "community.png"), points);
        var kinds = points.Select(p => p.Shards).Distinct().ToList();
        if (kinds.Count > 1)
            foreach (var kind in kinds) CommunityPlot.Save(Path.Combine(outDir, $"community-{CommunityReport.Name(kind)}.png"), points, kind);
    }

    private static void PrintBitsToAccuracy(IReadOnlyList<CommunityPoint> points, IReadOnlyList<double> targets)
    {
        Console.WriteLine("bits exchanged when the boards' mean accuracy first reached each target:");
        foreach (var r in BitsToAccuracy.Read(points, targets))
            Console.WriteLine(FormattableString.Invariant($"  {r.Method.Name(),-26} {CommunityReport.Name(r.Shards),-8} K={r.Boards} {r.Target:P0}: ") +
                (r.Round is int round
                    ? FormattableString.Invariant($"round {round}, {r.BitsSent:G4} bits") + (r.NetworkBits is double nb ? FormattableString.Invariant($" ({nb:G4} on the network)") : "")
                    : FormattableString.Invariant($"not reached (best {r.BestMean:P2})")));
    }

    private static T[] ParseList<T>(string text, string option, Func<string, T?> parse) where T : struct
    {
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new CliUsageException($"{option}: give at least one value");
        return items.Select(i => parse(i) ?? throw new CliUsageException($"{option}: '{i}' is not accepted")).Distinct().ToArray();
    }
}

using System.Diagnostics;
using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Digital;
using MortalHil.Core.Learning.Evaluation;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Learning.Training;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Sim;

namespace MortalHil.Host.Commands;

/// <summary>Everything one training run needs.</summary>
public sealed record TrainRequest
{
    public required string Algo { get; init; }
    public required string Board { get; init; }
    public required NetworkShape Shape { get; init; }
    public required ImageDataset Data { get; init; }
    public required TrainingSchedule Schedule { get; init; }
    public required TrainerSettings Settings { get; init; }
    public required MappingOptions Mapping { get; init; }
    public float DigitalLearningRate { get; init; } = 0.05f;
    public string? SaveBoard { get; init; }
    /// <summary>GPIO driver and chip of an spi: board (<c>--gpio-driver</c>, <c>--gpio-chip</c>).</summary>
    public GpioSelection? Gpio { get; init; }
}

/// <summary>What a training run measured.</summary>
public sealed record TrainResult
{
    public required float TestAccuracy { get; init; }
    public required long ForwardPasses { get; init; }
    public required long Pulses { get; init; }
    public required long ProgrammingPulses { get; init; }
    public required long MaxPulsesPerCell { get; init; }
    public required double WallSeconds { get; init; }
    public required double SimSeconds { get; init; }
    public required long TrainExamples { get; init; }
    public required IReadOnlyList<CurvePoint> Curve { get; init; }
    public long SaturatedReads { get; init; }
    public long ClippedUpdates { get; init; }
    public string? BoardKind { get; init; }
    public string? BoardSerial { get; init; }
    public PulseCalibration? Pulse { get; init; }
    /// <summary>True when the network ran on the board's analog chain.</summary>
    public bool Chain { get; init; }
    /// <summary>Board work of the test evaluation (<see cref="Inferences"/> examples, one clean inference each).</summary>
    public LedgerSnapshot InferenceWork { get; init; }
    public long Inferences { get; init; }
    /// <summary>Board work of training (<see cref="Steps"/> steps).</summary>
    public LedgerSnapshot TrainingWork { get; init; }
    public long Steps { get; init; }
    /// <summary>The board's stated operation costs, or null.</summary>
    public OperationCosts? Costs { get; init; }
}

/// <summary>
/// Runs one training: opens or reloads the board, maps the network (or loads a saved one), trains with the
/// chosen algorithm, evaluates, advances a simulated board's clock by the time the work took, and saves the
/// trained board with its network file when asked. Shared by <c>train</c> and <c>experiment learning</c>.
/// </summary>
public static class TrainSession
{
    public static TrainResult Run(TrainRequest request, TextWriter log, Action<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (request.Shape.Inputs != request.Data.Features)
            throw new CliUsageException($"network shape {request.Shape} takes {request.Shape.Inputs} inputs but the dataset has {request.Data.Features} features per image");
        if (request.Shape.Outputs != request.Data.Classes)
            throw new CliUsageException($"network shape {request.Shape} has {request.Shape.Outputs} outputs but the dataset has {request.Data.Classes} classes");
        return request.Algo == "bp-digital" ? RunDigital(request, progress, cancellationToken) : RunOnChip(request, log, progress, cancellationToken);
    }

    private static TrainResult RunDigital(TrainRequest r, Action<TrainingProgress>? progress, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        var net = FloatNetwork.Random(r.Shape, r.Settings.Seed);
        var trainer = new DigitalBackpropTrainer(new DigitalBackpropOptions(r.DigitalLearningRate));
        var curve = TrainingLoop.Run((x, t, b) => trainer.Step(net, x, t, b), net, r.Data.Train, r.Data.Test, r.Schedule,
            () => (trainer.Account.ForwardPasses, 0, wall.Elapsed.TotalSeconds),
            setLearningRateScale: s => trainer.LearningRateScale = s, progress: progress, cancellationToken: ct);
        return new TrainResult
        {
            TestAccuracy = Evaluator.Accuracy(net, r.Data.Test),
            ForwardPasses = trainer.Account.ForwardPasses,
            Pulses = 0, ProgrammingPulses = 0, MaxPulsesPerCell = 0,
            WallSeconds = wall.Elapsed.TotalSeconds, SimSeconds = 0,
            TrainExamples = trainer.Account.Examples,
            Curve = curve,
        };
    }

    private static TrainResult RunOnChip(TrainRequest r, TextWriter log, Action<TrainingProgress>? progress, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        using var device = BoardOpener.Open(r.Board, r.Gpio);
        var d = device.Description;
        log.WriteLine($"board {d.Kind} #{d.SerialNumber}: {d.TileCount} tiles of {d.Geometry}, DAC {d.Dac.Bits} bit, ADC {d.Adc.Bits} bit, " +
                      $"outer-product pulses {(d.Capabilities.OuterProductPulses ? "yes" : "no")}");
        var sampleCount = Math.Min(512, r.Data.Train.Count);
        var sample = r.Data.Train.Pixels.AsSpan(0, sampleCount * r.Data.Features).ToArray();
        MappedNetwork net;
        string? savedNet = r.Board.StartsWith("simfile:", StringComparison.Ordinal) ? MappedNetworkStore.CompanionPath(r.Board["simfile:".Length..]) : null;
        if (savedNet is not null && File.Exists(savedNet))
        {
            net = MappedNetworkStore.Load(device, savedNet);
            if (!net.Shape.Sizes.SequenceEqual(r.Shape.Sizes))
                throw new CliUsageException($"the saved network {savedNet} is {net.Shape}, not {r.Shape}");
            log.WriteLine($"continuing the network saved in {savedNet}");
        }
        else if (ChainMapper.HasChain(device))
        {
            var mapping = r.Mapping with { ReadoutGroups = TrainerFactory.NeedsLocalReadouts(r.Algo) ? Math.Max(1, r.Mapping.ReadoutGroups) : 0 };
            var chainShape = new ChainRouting((IAnalogChainDevice)device).Shape;
            if (!chainShape.Sizes.SequenceEqual(r.Shape.Sizes))
                throw new CliUsageException($"board {d.Kind} is an analog chain of shape {chainShape}; the network must be {chainShape} (got {r.Shape})");
            log.WriteLine($"mapping {r.Shape} onto the board's analog chain (no conversion between layers)");
            var mapWatch = Stopwatch.StartNew();
            net = ChainMapper.Map((IAnalogChainDevice)device, mapping, log);
            log.WriteLine($"  mapped in {mapWatch.Elapsed.TotalSeconds:F1} s");
        }
        else
        {
            var mapping = r.Mapping with { ReadoutGroups = TrainerFactory.NeedsLocalReadouts(r.Algo) ? Math.Max(1, r.Mapping.ReadoutGroups) : 0 };
            log.WriteLine($"mapping {r.Shape} ({mapping.Pairs} pairs{(mapping.ReadoutGroups > 0 ? $", {mapping.ReadoutGroups} local readout groups per hidden layer" : "")})");
            var mapWatch = Stopwatch.StartNew();
            net = NetworkMapper.Map(device, r.Shape, mapping, sample, sampleCount, log);
            log.WriteLine($"  mapped and calibrated in {mapWatch.Elapsed.TotalSeconds:F1} s");
        }
        if (TrainerFactory.NeedsLocalReadouts(r.Algo) && net.ReadoutGroups == 0)
            throw new CliUsageException("local-loss training needs a network mapped with local readouts; this saved network has none");
        var programming = net.Ledger.Snapshot();
        bool chain = net.Chain is not null;
        var trainer = TrainerFactory.Create(r.Algo, r.Settings, chain);
        var sim = device as SimulatedBoard;
        double advanced = net.Ledger.BusySeconds;
        sim?.AdvanceTime(TimeSpan.FromSeconds(advanced));

        var curve = TrainingLoop.Run((x, t, b) => trainer.Step(net, x, t, b), net, r.Data.Train, r.Data.Test, r.Schedule,
            () => (trainer.Account.ForwardPasses, trainer.Account.Board.PulsesApplied, wall.Elapsed.TotalSeconds),
            afterEpoch: _ =>
            {
                if (!chain) BoardCalibration.FitRanges(net, sample, sampleCount, widenOnly: true);
                if (sim is not null)
                {
                    sim.AdvanceTime(TimeSpan.FromSeconds(net.Ledger.BusySeconds - advanced));
                    advanced = net.Ledger.BusySeconds;
                }
            },
            setLearningRateScale: s => trainer.LearningRateScale = s, progress: progress, cancellationToken: ct);

        var beforeTest = net.Ledger.Snapshot();
        float accuracy = Evaluator.Accuracy(net, r.Data.Test);
        var inferenceWork = net.Ledger.Snapshot() - beforeTest;
        if (r.SaveBoard is { } file)
        {
            if (sim is null) throw new CliUsageException($"--save-board needs a simulated board; {d.Kind} boards keep their own state");
            SaveBoard(sim, net, file);
            log.WriteLine($"saved the trained board to {file} and its network to {MappedNetworkStore.CompanionPath(file)}");
        }
        var clipped = trainer switch
        {
            NodePerturbationTrainer np => np.Writer?.ClippedUpdates ?? 0,
            LocalLossTrainer ll => ll.Writer?.ClippedUpdates ?? 0,
            _ => 0,
        };
        return new TrainResult
        {
            TestAccuracy = accuracy,
            ForwardPasses = trainer.Account.ForwardPasses,
            Pulses = trainer.Account.Board.PulsesApplied,
            ProgrammingPulses = programming.PulsesApplied,
            MaxPulsesPerCell = net.Ledger.MaxPulsesPerCell,
            WallSeconds = wall.Elapsed.TotalSeconds,
            SimSeconds = trainer.Account.BoardTime.TotalSeconds,
            TrainExamples = trainer.Account.Examples,
            Curve = curve,
            SaturatedReads = trainer.Account.Board.SaturatedVectorReads,
            ClippedUpdates = clipped,
            BoardKind = d.Kind,
            BoardSerial = d.SerialNumber,
            Pulse = net.Pulse,
            Chain = chain,
            InferenceWork = inferenceWork,
            Inferences = r.Data.Test.Count,
            TrainingWork = trainer.Account.Board,
            Steps = trainer.Account.Steps,
            Costs = d.Costs,
        };
    }

    /// <summary>Saves a simulated board and its network file, each through a temporary name.</summary>
    public static void SaveBoard(SimulatedBoard board, MappedNetwork net, string file)
    {
        var full = Path.GetFullPath(file);
        board.Save(full);
        MappedNetworkStore.Save(net, MappedNetworkStore.CompanionPath(full));
    }
}

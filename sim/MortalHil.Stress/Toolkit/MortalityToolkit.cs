using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// The stress runner's port implemented by the project's own learning and mortality: networks mapped by
/// <see cref="NetworkMapper"/> and trained on-chip by <see cref="NodePerturbationTrainer"/>, Mortality's
/// health monitor, remaining-life predictor and handover policy, and its journaled <see cref="HandoverRun"/>.
/// </summary>
public sealed class MortalityToolkit : IStressToolkit
{
    private readonly Scenario _scenario;

    public MortalityToolkit(Scenario scenario, SyntheticTask task)
    {
        _scenario = scenario;
        Task = task;
        Shape = ShapeOf(scenario);
        var p = scenario.Policy;
        Plan = new HandoverPlan
        {
            TransferExamples = p.TeacherQueries,
            QueryBatch = p.QueryBatch,
            TrainBatch = scenario.Training.Batch,
            StudentSteps = p.StudentSteps,
            StepsPerRound = p.StepsPerRound,
            EvaluateEveryRounds = p.EvaluateEveryRounds,
            Temperature = (float)p.Temperature,
            BoardTimePerRound = TimeSpan.FromHours(p.HoursPerRound),
            ServeRequestsPerRound = 0,
            Lesson = p.HardLessons ? LessonKind.TeacherHard : LessonKind.Soft,
        };
        if (p.PrimeShare is double share) Plan = Plan with { PrimeShare = share };
        Plan = Lifecycle.Verified(Plan);
        Plan.Validate();
    }

    /// <summary>Factory for <see cref="StressToolkitFactory"/>.</summary>
    public static IStressToolkit Create(Scenario scenario, SyntheticTask task) => new MortalityToolkit(scenario, task);

    /// <summary>The network of a scenario: features, hidden widths, classes.</summary>
    public static NetworkShape ShapeOf(Scenario s) => new([s.Task.Features, .. s.Network.Hidden, s.Task.Classes]);

    public SyntheticTask Task { get; }
    public NetworkShape Shape { get; }
    /// <summary>The scenario's lifecycle policy: Core's one definition of failing, with the scenario's numbers.</summary>
    public LifecyclePolicy Lifecycle => new()
    {
        KnowledgeBudget = _scenario.Policy.KnowledgeBudget, StuckLimit = _scenario.Policy.StuckThreshold,
        Margin = TimeSpan.FromHours(_scenario.Policy.MarginHours), ExtraStudentBudget = _scenario.Policy.ExtraStudentBudget,
        PreventiveAge = _scenario.Policy.PreventiveAgeYears is double years ? TimeSpan.FromSeconds(years * BoardFactory.SecondsPerYear) : null,
        KnowledgeByLevel = _scenario.Policy.KnowledgeByLevel, BaselineAtCommissioning = _scenario.Policy.BaselineAtCommissioning,
        LineageBudget = _scenario.Policy.LineageBudget,
    };

    /// <summary>The handover plan (its seed is set per handover).</summary>
    public HandoverPlan Plan { get; }

    public double ExpectedHandoverSeconds => Plan.ExpectedBoardTime.TotalSeconds;

    /// <summary>The on-chip trainer every board uses: node perturbation with the soft-target loss at <paramref name="temperature"/>.</summary>
    public IOnChipTrainer Trainer(int seed, float temperature)
    {
        float lr = (float)_scenario.Network.LearningRate;
        return new NodePerturbationTrainer(new PerturbationOptions
        {
            Seed = seed, HiddenLearningRate = lr, OutputLearningRate = lr, BiasLearningRate = lr, Directions = _scenario.Network.Directions,
        }, new SoftmaxCrossEntropy(temperature));
    }

    public IServingModel TrainFromLabels(IDevice board, int seed)
    {
        var train = Task.Train;
        int f = Task.Features, k = Task.Classes, batch = _scenario.Training.Batch;
        int n = Math.Min(256, train.Count);
        var net = NetworkMapper.Map(board, Shape, new MappingOptions { Seed = seed }, train.Inputs.AsSpan(0, n * f), n);
        var trainer = Trainer(seed, 1f);
        var inputs = new float[batch * f];
        var targets = new float[batch * k];
        // Commissioning: the scenario's steps, then (with policy.commissioning_max_steps) more chunks of as many while the canary still
        // gains the knowledge budget per chunk: a board that learns slowly is not put into service half-trained.
        int chunk = _scenario.Training.Steps, steps = chunk, max = Math.Max(chunk, _scenario.Policy.CommissioningMaxSteps ?? chunk);
        double canaryBefore = double.NaN;
        for (int step = 0; step < steps; step++)
        {
            var rng = new SplitMixRandom(SeedTree.Derive((ulong)(uint)seed, "labels", (ulong)step));
            Array.Clear(targets);
            for (int b = 0; b < batch; b++)
            {
                int i = rng.NextInt(train.Count);
                train.Input(i).CopyTo(inputs.AsSpan(b * f, f));
                targets[b * k + train.Labels[i]] = 1f;
            }
            trainer.Step(net, inputs, targets, batch);
            if (step == steps - 1 && steps < max)
            {
                double canary = ClassifierEvaluation.Accuracy(net, Task.Canary);
                if (double.IsNaN(canaryBefore) || canary - canaryBefore >= _scenario.Policy.KnowledgeBudget) steps = Math.Min(max, steps + chunk);
                canaryBefore = canary;
            }
        }
        return new MappedServingModel(net);
    }

    public IServingModel RestoreModel(IDevice board, byte[] snapshot) => new MappedServingModel(NetworkBytes.Load(board, snapshot));

    public IBoardMonitor CreateMonitor(IServingModel model, double handoverSeconds, double marginSeconds, double? lineageBest = null)
    {
        var net = ((MappedServingModel)model).Network;
        CrossbarWindow? probe = null;
        if (_scenario.Monitor.Probe)
        {
            int side = _scenario.Monitor.ProbeSide;
            probe = ProbeWindow(net, side) ?? throw new InvalidOperationException(
                $"board {net.Description.SerialNumber} has no free {side}x{side} cells for the write probe beside network {Shape}");
        }
        ulong ids = SeedTree.Derive(SeedTree.Of(net.Description.SerialNumber), "monitor-pulse-ids") | 1;
        var policy = Lifecycle with { Margin = TimeSpan.FromSeconds(marginSeconds) };
        return new MortalityMonitor(new LifecycleWatch(net, Task.Canary, policy, TimeSpan.FromSeconds(handoverSeconds), probe, new PulseIdSource(ids),
            lineageBest: lineageBest));
    }

    /// <summary>A <paramref name="side"/> x <paramref name="side"/> window of cells the network does not use, for the monitor's write probe; null if none.</summary>
    public static CrossbarWindow? ProbeWindow(MappedNetwork net, int side)
    {
        var used = net.AllLayers.SelectMany(l => l.Blocks).Select(b => b.Window);
        return new TileAllocator(net.Description, used).TryAllocate(side, side, out var w) ? w : null;
    }

    public string? RecordPrimeLessons(IServingModel model, int handoverSeed, string path)
    {
        var plan = Plan with { Seed = handoverSeed };
        var transfer = new TransferSet(Task.UnlabelledPool, Task.Features, plan.TransferExamples, handoverSeed);
        PrimeLessons.Record(((MappedServingModel)model).Network, transfer, plan, path);
        return path;
    }

    public IHandoverProcess OpenHandover(HandoverOpening opening) => MortalityHandover.Open(opening, this);

    public JournalView ReadJournal(string journalPath) => JournalFileReader.Read(journalPath);
}

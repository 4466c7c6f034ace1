using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// The on-chip trainers as the mortality commands use them: <c>mortalhil train</c>'s tuned defaults
/// (<see cref="TrainDefaults"/>), with the distillation temperature in the loss, and a seeded
/// step-by-step supervised loop for teachers and the labels-only baseline. A board that describes an
/// analog chain (<see cref="ChainMapper.HasChain"/>) is used as one: the network is laid on its chain
/// and trained by the model-free chain forms of np and ll, with the chain's own defaults.
/// </summary>
public static class OnChipTraining
{
    /// <summary>Trainer settings for <paramref name="algo"/>: the train command's defaults (the chain's tuned defaults when
    /// <paramref name="chain"/>), this seed and temperature, optionally another learning rate.</summary>
    public static TrainerSettings Settings(string algo, int seed, float temperature = 1f, float? learningRate = null, UpdateMode? update = null, bool chain = false)
    {
        if (!TrainerFactory.OnChipNames.Contains(algo))
            throw new UnknownAlgorithmException($"unknown on-chip trainer '{algo}'; use one of: {string.Join(", ", TrainerFactory.OnChipNames)}");
        var s = TrainDefaults.For(algo, chain).Settings with { Seed = seed, Temperature = temperature };
        if (learningRate is { } lr)
            s = s with { HiddenLearningRate = lr, OutputLearningRate = lr, BiasLearningRate = lr, WeightPerturbationLearningRate = lr };
        if (update is { } u) s = s with { UpdateMode = u };
        return s;
    }

    /// <summary>A fresh trainer; <paramref name="chain"/>: the model-free chain form for a network on an analog chain.</summary>
    public static IOnChipTrainer Trainer(string algo, TrainerSettings settings, bool chain = false) => TrainerFactory.Create(algo, settings, chain);

    /// <summary>A fresh trainer for <paramref name="net"/>: its algorithm's defaults (the chain's when it lives on a chain), this seed.</summary>
    public static IOnChipTrainer TrainerFor(MappedNetwork net, string algo, int seed) =>
        Trainer(algo, Settings(algo, seed, chain: net.Chain is not null), net.Chain is not null);

    /// <summary>
    /// Maps a fresh network of <paramref name="shape"/> onto <paramref name="device"/> as <paramref name="algo"/> needs it
    /// (local readouts for ll), ranges fitted on a sample of inputs.
    /// On a board with an analog chain the network is laid on the chain, whose stages fix the shape: <paramref name="shape"/>
    /// must be the chain's (<see cref="ArgumentException"/> otherwise); the chain needs no input ranges.
    /// </summary>
    public static MappedNetwork Map(IDevice device, NetworkShape shape, string algo, ReadOnlySpan<float> sample, int sampleCount, int seed) =>
        Map(device, shape, algo, sample, sampleCount, seed, null);

    /// <summary>As <see cref="Map(IDevice, NetworkShape, string, ReadOnlySpan{float}, int, int)"/>; on a chain, <paramref name="initialWeights"/>
    /// (main layers, then local readouts; null: random) are programmed by program-and-verify to <paramref name="programming"/>.</summary>
    internal static MappedNetwork Map(IDevice device, NetworkShape shape, string algo, ReadOnlySpan<float> sample, int sampleCount, int seed,
        IReadOnlyList<float[]>? initialWeights, ProgrammingOptions? programming = null)
    {
        bool chain = ChainMapper.HasChain(device);
        var defaults = TrainDefaults.For(algo, chain);
        var options = new MappingOptions
        {
            Seed = seed, Pairs = defaults.Pairs, InitialWindowFraction = defaults.InitialWindowFraction,
            ReadoutGroups = TrainerFactory.NeedsLocalReadouts(algo) ? Math.Max(1, defaults.ReadoutGroups) : 0,
        };
        if (programming is { } p) options = options with { InitialProgramming = p };
        if (chain)
        {
            var chainDevice = (IAnalogChainDevice)device;
            var chainShape = new ChainRouting(chainDevice).Shape;
            if (!chainShape.Sizes.SequenceEqual(shape.Sizes))
                throw new ArgumentException($"board {device.Description.Kind} #{device.Description.SerialNumber} is an analog chain of shape {chainShape}; the network must be {chainShape} (got {shape})");
            return ChainMapper.Map(chainDevice, options, null, initialWeights);
        }
        if (initialWeights is not null) throw new ArgumentException("initial weights are programmed here on chains only (a per-layer-ADC copy is CopyBaseline's)");
        return NetworkMapper.Map(device, shape, options, sample, sampleCount);
    }

    /// <summary>The network shape a board's analog chain fixes, or null when the board describes none.</summary>
    public static NetworkShape? ChainShape(IDevice device) =>
        ChainMapper.HasChain(device) ? new ChainRouting((IAnalogChainDevice)device).Shape : null;

    /// <summary>Refits a per-layer-ADC network's input ranges on <paramref name="sample"/>; a chain has no ranges (its ADC sits at the end only), so nothing to do there.</summary>
    public static void FitRanges(MappedNetwork net, ReadOnlySpan<float> sample, int sampleCount, bool widenOnly = false)
    {
        if (net.Chain is null) BoardCalibration.FitRanges(net, sample, sampleCount, widenOnly);
    }

    /// <summary>
    /// Trains <paramref name="net"/> for <paramref name="steps"/> steps on examples [0, <paramref name="usable"/>) of
    /// <paramref name="set"/> with one-hot targets, minibatches drawn by a generator seeded from (seed, step);
    /// examples of <paramref name="excludeClasses"/> are never drawn. <paramref name="onStep"/> sees each step's index.
    /// </summary>
    public static void TrainOnLabels(MappedNetwork net, IOnChipTrainer trainer, LabeledImageSet set, int usable, int steps, int batch, int seed,
        Action<int>? onStep = null, ISet<byte>? excludeClasses = null)
    {
        var inputs = new float[batch * set.Features];
        var targets = new float[batch * set.Classes];
        var labels = new byte[batch];
        var indices = new int[batch];
        for (int step = 0; step < steps; step++)
        {
            var rng = new Random(SeedMixer.Mix(seed, step, 0x1abe1));
            for (int i = 0; i < batch; i++)
            {
                int k;
                do k = rng.Next(usable); while (excludeClasses is not null && excludeClasses.Contains(set.Labels[k]));
                indices[i] = k;
            }
            set.Gather(indices, inputs, labels);
            TargetDistributions.OneHot(labels, set.Classes, targets);
            trainer.Step(net, inputs, targets, batch);
            onStep?.Invoke(step);
        }
    }
}

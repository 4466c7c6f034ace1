using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// The on-chip trainers as the mortality commands use them: <c>mortalhil train</c>'s tuned defaults
/// (<see cref="TrainDefaults"/>), with the distillation temperature in the loss, and a seeded
/// step-by-step supervised loop for teachers and the labels-only baseline.
/// </summary>
public static class OnChipTraining
{
    /// <summary>Trainer settings for <paramref name="algo"/>: the train command's defaults, this seed and temperature, optionally another learning rate.</summary>
    public static TrainerSettings Settings(string algo, int seed, float temperature = 1f, float? learningRate = null, UpdateMode? update = null)
    {
        if (!TrainerFactory.OnChipNames.Contains(algo))
            throw new UnknownAlgorithmException($"unknown on-chip trainer '{algo}'; use one of: {string.Join(", ", TrainerFactory.OnChipNames)}");
        var s = TrainDefaults.For(algo).Settings with { Seed = seed, Temperature = temperature };
        if (learningRate is { } lr)
            s = s with { HiddenLearningRate = lr, OutputLearningRate = lr, BiasLearningRate = lr, WeightPerturbationLearningRate = lr };
        if (update is { } u) s = s with { UpdateMode = u };
        return s;
    }

    /// <summary>A fresh trainer.</summary>
    public static IOnChipTrainer Trainer(string algo, TrainerSettings settings) => TrainerFactory.Create(algo, settings);

    /// <summary>
    /// Maps a fresh network of <paramref name="shape"/> onto <paramref name="device"/> as <paramref name="algo"/> needs it
    /// (local readouts for ll), ranges fitted on a sample of inputs.
    /// </summary>
    public static MappedNetwork Map(IDevice device, NetworkShape shape, string algo, ReadOnlySpan<float> sample, int sampleCount, int seed)
    {
        var defaults = TrainDefaults.For(algo);
        var options = new MappingOptions
        {
            Seed = seed, Pairs = defaults.Pairs, InitialWindowFraction = defaults.InitialWindowFraction,
            ReadoutGroups = TrainerFactory.NeedsLocalReadouts(algo) ? Math.Max(1, defaults.ReadoutGroups) : 0,
        };
        return NetworkMapper.Map(device, shape, options, sample, sampleCount);
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

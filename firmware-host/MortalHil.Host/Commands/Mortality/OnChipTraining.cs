using MortalHil.Core.Data;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>Supervised on-chip training from labels, in seeded minibatches (the teacher's schooling and the labels-only baseline).</summary>
public static class OnChipTraining
{
    /// <summary>Builds the trainer named <paramref name="algo"/> with a soft-target loss at <paramref name="temperature"/>.</summary>
    public static IOnChipTrainer Trainer(string algo, int seed, float temperature = 1f, float learningRate = 0.05f, UpdateMode update = UpdateMode.Auto) => algo switch
    {
        "np" => new NodePerturbationTrainer(new PerturbationOptions
        {
            Seed = seed, HiddenLearningRate = learningRate, OutputLearningRate = learningRate, BiasLearningRate = learningRate,
            UpdateMode = update,
        }, new SoftmaxCrossEntropy(temperature)),
        _ => throw new Cli.CliUsageException($"unknown trainer '{algo}' for on-chip training; use: np"),
    };

    /// <summary>
    /// Trains <paramref name="net"/> for <paramref name="steps"/> steps on examples [0, <paramref name="usable"/>) of
    /// <paramref name="set"/> with one-hot targets; <paramref name="onStep"/> sees each step's index.
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

    /// <summary>Maps a fresh network of <paramref name="shape"/> onto <paramref name="device"/>, ranges fitted on a sample of inputs.</summary>
    public static MappedNetwork Map(Core.Devices.IDevice device, NetworkShape shape, ReadOnlySpan<float> sample, int sampleCount, int seed) =>
        NetworkMapper.Map(device, shape, new MappingOptions { Seed = seed }, sample, sampleCount);
}

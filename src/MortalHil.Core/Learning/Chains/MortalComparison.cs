using MortalHil.Core.Data;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Evaluation;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Learning.Chains;

/// <summary>How one handover method did on one student board.</summary>
public sealed record HandoverOutcome(string BoardKind, double Mismatch, string Serial, string Method, float Accuracy, float TeacherAccuracy, long Pulses);

/// <summary>Sizes and knobs of the copy-versus-distillation comparison.</summary>
public sealed record MortalComparisonSettings
{
    public required int TrainExamples { get; init; }
    /// <summary>
    /// Unlabelled images a distilled student learns from (the transfer set, the first this many training images; labels never
    /// read). Null: the teacher's own <see cref="TrainExamples"/>. Images without labels are cheap, so a student may see more
    /// of them than its teacher saw labelled.
    /// </summary>
    public int? TransferExamples { get; init; }
    public required int Epochs { get; init; }
    /// <summary>Passes of a distilled student over its transfer images. Null: <see cref="Epochs"/>.</summary>
    public int? DistilEpochs { get; init; }
    public int Batch { get; init; } = 32;
    /// <summary>Labelled examples used to retrain a copy's last layer on the student (Yao et al., Nature 2020 practice).</summary>
    public required int RetrainExamples { get; init; }
    /// <summary>Softmax temperature of the distillation targets.</summary>
    public float Temperature { get; init; } = 2f;
    public required TrainerSettings Trainer { get; init; }
    /// <summary>Learning-rate factor applied after each epoch of teacher and distillation training (as <c>mortalhil train</c>'s schedule).</summary>
    public float LearningRateDecay { get; init; } = 1f;
    public required MappingOptions Mapping { get; init; }
    public required string Algo { get; init; }
    public int Seed { get; init; } = 1;
}

/// <summary>
/// The claim of mortal computation, measured on boards: train a teacher on its board, then hand its knowledge to
/// student boards three ways: (1) copy its conductances, (2) copy and retrain the last layer on the student with
/// labels, (3) distil: the student learns on its own board from the teacher's soft outputs, no labels. Works for
/// chain boards (the network never leaves the analog domain) and per-layer-ADC boards alike, through
/// <see cref="IDevice"/> only.
/// </summary>
public static class MortalComparison
{
    /// <summary>Maps a fresh network onto <paramref name="device"/> (its chain if it has one).</summary>
    public static MappedNetwork Map(IDevice device, NetworkShape shape, MortalComparisonSettings s, LabeledImageSet train, IReadOnlyList<float[]>? weights = null)
    {
        var mapping = s.Mapping with { ReadoutGroups = TrainerFactory.NeedsLocalReadouts(s.Algo) ? Math.Max(1, s.Mapping.ReadoutGroups) : 0 };
        if (ChainMapper.HasChain(device))
            return ChainMapper.Map((IAnalogChainDevice)device, weights is null ? mapping : mapping with { InitialProgramming = ChainCopy.Programming }, null, weights);
        int n = Math.Min(512, train.Count);
        var net = NetworkMapper.Map(device, shape, mapping, train.Pixels.AsSpan(0, n * train.Features), n);
        if (weights is not null)
        {
            var programmer = WeightProgrammer.For(net);
            for (int l = 0; l < net.Layers.Count; l++) programmer.ProgramLayer(net, net.Layers[l], weights[l], ChainCopy.Programming);
            BoardCalibration.FitRanges(net, train.Pixels.AsSpan(0, n * train.Features), n);
        }
        return net;
    }

    /// <summary>Trains on labels: <see cref="MortalComparisonSettings.Epochs"/> shuffled passes over the first TrainExamples.</summary>
    public static void TrainOnLabels(MappedNetwork net, IOnChipTrainer trainer, LabeledImageSet data, int examples, int epochs, int batch, int seed, float decay = 1f)
        => Train(net, trainer, data, examples, epochs, batch, seed, decay, (x, b, targets, idx) =>
        {
            for (int i = 0; i < b; i++) TargetDistributions.OneHot(data.Labels.AsSpan(idx[i], 1), data.Classes, targets.Slice(i * data.Classes, data.Classes));
        });

    /// <summary>Distils: targets are the teacher's softened outputs on the same images (labels never read).</summary>
    public static void Distil(MappedNetwork student, IOnChipTrainer trainer, IClassifier teacher, LabeledImageSet images, int examples, int epochs, int batch,
        float temperature, int seed, float decay = 1f)
    {
        var logits = new float[batch * images.Classes];
        Train(student, trainer, images, examples, epochs, batch, seed, decay, (x, b, targets, _) =>
        {
            teacher.Predict(x, b, logits.AsSpan(0, b * images.Classes));
            TargetDistributions.Soften(logits.AsSpan(0, b * images.Classes), b, images.Classes, temperature, targets);
        });
    }

    private delegate void Targets(ReadOnlySpan<float> inputs, int batch, Span<float> targets, int[] indices);

    private static void Train(MappedNetwork net, IOnChipTrainer trainer, LabeledImageSet data, int examples, int epochs, int batch, int seed, float decay, Targets makeTargets)
    {
        examples = Math.Min(examples, data.Count);
        int n = data.Features;
        var order = Enumerable.Range(0, examples).ToArray();
        var rng = SeededRandom.For(seed, "mortal-comparison-order");
        var x = new float[batch * n];
        var t = new float[batch * data.Classes];
        var idx = new int[batch];
        float scale = trainer.LearningRateScale;
        for (int e = 0; e < epochs; e++)
        {
            trainer.LearningRateScale = scale * MathF.Pow(decay, e);
            rng.Shuffle(order);
            for (int start = 0; start + batch <= examples; start += batch)
            {
                for (int i = 0; i < batch; i++)
                {
                    idx[i] = order[start + i];
                    data.Pixels.AsSpan(idx[i] * n, n).CopyTo(x.AsSpan(i * n));
                }
                makeTargets(x, batch, t, idx);
                trainer.Step(net, x, t, batch);
            }
        }
    }

    /// <summary>Copies <paramref name="teacher"/>'s measured weights and biases onto a fresh mapping of <paramref name="student"/>.</summary>
    public static MappedNetwork Copy(MappedNetwork teacher, IDevice student, MortalComparisonSettings s, LabeledImageSet train)
    {
        var weights = NetworkWeights.Measure(teacher);
        var net = Map(student, teacher.Shape, s, train, weights);
        for (int l = 0; l < net.Layers.Count; l++) teacher.Layers[l].Bias.CopyTo(net.Layers[l].Bias, 0);
        return net;
    }

    /// <summary>The last layer's retraining after a copy: labels, hidden learning rate 0.</summary>
    public static void RetrainLastLayer(MappedNetwork net, MortalComparisonSettings s, LabeledImageSet train, bool chain)
    {
        var settings = s.Trainer with { HiddenLearningRate = 0, Directions = 1, Seed = s.Seed + 7 };
        var trainer = TrainerFactory.Create(s.Algo == "ll" ? "np" : s.Algo, settings, chain);
        TrainOnLabels(net, trainer, train, s.RetrainExamples, 1, s.Batch, s.Seed + 7);
    }

    public static float Accuracy(MappedNetwork net, LabeledImageSet test) => Evaluator.Accuracy(net, test);
}

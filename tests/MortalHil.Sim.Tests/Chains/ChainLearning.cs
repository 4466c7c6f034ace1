using MortalHil.Core.Data;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Evaluation;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Sim.Tests.Chains;

/// <summary>Trains a chain network on a data set for the tests.</summary>
internal static class ChainLearning
{
    public static PerturbationOptions Options { get; } = new()
    {
        HiddenLearningRate = 0.1f, OutputLearningRate = 0.1f, BiasLearningRate = 0.05f, Directions = 8, PerturbationFraction = 0.1f,
        UpdateMode = UpdateMode.Accumulated, TransferThreshold = 2, TransferEvery = 1, Seed = 3,
    };

    public static MappedNetwork Map(SimulatedBoard board, int groups = 0) =>
        ChainMapper.Map(board, new MappingOptions { Pairs = PairOrientation.Columns, ReadoutGroups = groups, Seed = 2 });

    public static void Train(MappedNetwork net, IOnChipTrainer trainer, LabeledImageSet data, int epochs, int batch = 16)
    {
        int n = data.Features, classes = data.Classes;
        var targets = new float[batch * classes];
        for (int e = 0; e < epochs; e++)
            for (int start = 0; start + batch <= data.Count; start += batch)
            {
                TargetDistributions.OneHot(data.Labels.AsSpan(start, batch), classes, targets);
                trainer.Step(net, data.Pixels.AsSpan(start * n, batch * n), targets, batch);
            }
    }

    public static float Accuracy(MappedNetwork net, LabeledImageSet data) => Evaluator.Accuracy(net, data);
}

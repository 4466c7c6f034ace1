using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;

namespace MortalHil.Core.Tests.Learning;

/// <summary>Trains a trainer on a synthetic task for a fixed number of epochs and reports held-out accuracy.</summary>
internal static class TrainerHarness
{
    public static (float Before, float After) Run(IOnChipTrainer trainer, MappedNetwork net, SyntheticTask train, SyntheticTask test, int epochs, int batch, int seed)
    {
        float before = Accuracy(net, test);
        var rng = new SeededRandom((ulong)seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var x = new float[batch * train.Features];
        var t = new float[batch * train.Classes];
        for (int e = 0; e < epochs; e++)
        {
            rng.Shuffle(order);
            for (int s = 0; s + batch <= train.Count; s += batch)
            {
                for (int b = 0; b < batch; b++)
                    train.Inputs.AsSpan(order[s + b] * train.Features, train.Features).CopyTo(x.AsSpan(b * train.Features));
                TargetDistributions.OneHot(order.AsSpan(s, batch).ToArray().Select(i => train.Labels[i]).ToArray(), train.Classes, t);
                trainer.Step(net, x, t, batch);
            }
            BoardCalibration.FitRanges(net, train.Inputs, Math.Min(train.Count, 128));
        }
        return (before, Accuracy(net, test));
    }

    public static float Accuracy(IClassifier model, SyntheticTask data)
    {
        var logits = new float[data.Count * data.Classes];
        model.Predict(data.Inputs, data.Count, logits);
        int correct = 0;
        for (int n = 0; n < data.Count; n++)
            if (TargetDistributions.ArgMax(logits.AsSpan(n * data.Classes, data.Classes)) == data.Labels[n]) correct++;
        return correct / (float)data.Count;
    }
}

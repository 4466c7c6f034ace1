using MortalHil.Core.Data;
using MortalHil.Core.Learning.Losses;

namespace MortalHil.Core.Learning.Evaluation;

/// <summary>Classification accuracy of any <see cref="IClassifier"/> (a board network or a float model).</summary>
public static class Evaluator
{
    /// <summary>Fraction of <paramref name="data"/> classified correctly, evaluated in batches of <paramref name="batch"/>.</summary>
    public static float Accuracy(IClassifier model, LabeledImageSet data, int batch = 1000, int? limit = null)
    {
        int count = Math.Min(limit ?? data.Count, data.Count);
        if (model.InputCount != data.Features)
            throw new ArgumentException($"model takes {model.InputCount} inputs, data has {data.Features} features");
        var logits = new float[batch * model.ClassCount];
        int correct = 0;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            model.Predict(data.Pixels.AsSpan(start * data.Features, n * data.Features), n, logits);
            for (int b = 0; b < n; b++)
                if (TargetDistributions.ArgMax(logits.AsSpan(b * model.ClassCount, model.ClassCount)) == data.Labels[start + b]) correct++;
        }
        return count == 0 ? 0 : correct / (float)count;
    }
}

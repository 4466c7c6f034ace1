using MortalHil.Core.Data;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Losses;

namespace MortalHil.Core.Community;

/// <summary>Accuracy on a test set, overall and split into a board's home classes and the rest.</summary>
public static class ClassSplitAccuracy
{
    public static (float All, float Home, float Away) Of(IClassifier model, LabeledImageSet test, IReadOnlyCollection<int> home, int? limit = null, int batch = 1000)
    {
        int count = Math.Min(limit ?? test.Count, test.Count);
        var logits = new float[batch * model.ClassCount];
        int correct = 0, homeSeen = 0, homeCorrect = 0, awaySeen = 0, awayCorrect = 0;
        for (int start = 0; start < count; start += batch)
        {
            int n = Math.Min(batch, count - start);
            model.Predict(test.Pixels.AsSpan(start * test.Features, n * test.Features), n, logits);
            for (int b = 0; b < n; b++)
            {
                int label = test.Labels[start + b];
                bool right = TargetDistributions.ArgMax(logits.AsSpan(b * model.ClassCount, model.ClassCount)) == label;
                if (right) correct++;
                if (home.Contains(label)) { homeSeen++; if (right) homeCorrect++; }
                else { awaySeen++; if (right) awayCorrect++; }
            }
        }
        return (count == 0 ? 0 : correct / (float)count,
            homeSeen == 0 ? float.NaN : homeCorrect / (float)homeSeen,
            awaySeen == 0 ? float.NaN : awayCorrect / (float)awaySeen);
    }
}

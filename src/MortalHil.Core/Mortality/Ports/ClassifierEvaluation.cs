using MortalHil.Core.Learning;
namespace MortalHil.Core.Mortality.Ports;

/// <summary>Accuracy and argmax helpers over <see cref="IClassifier"/>.</summary>
public static class ClassifierEvaluation
{
    /// <summary>Index of the largest of <paramref name="values"/> (the first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>Fraction of <paramref name="set"/> that <paramref name="model"/> classifies correctly, in batches of <paramref name="batch"/>.</summary>
    public static double Accuracy(IClassifier model, LabelledSet set, int batch = 256, ReadOnlySpan<float> logitBias = default)
    {
        if (set.InputCount != model.InputCount)
            throw new ArgumentException($"set inputs have {set.InputCount} values, model expects {model.InputCount}");
        if (set.Count == 0) return double.NaN;
        int k = model.ClassCount, correct = 0;
        var logits = new float[batch * k];
        for (int start = 0; start < set.Count; start += batch)
        {
            int n = Math.Min(batch, set.Count - start);
            model.Predict(set.Inputs.AsSpan(start * set.InputCount, n * set.InputCount), n, logits.AsSpan(0, n * k));
            for (int i = 0; i < n; i++)
            {
                var row = logits.AsSpan(i * k, k);
                if (!logitBias.IsEmpty) for (int c = 0; c < k; c++) row[c] += logitBias[c];
                if (ArgMax(row) == set.Labels[start + i]) correct++;
            }
        }
        return correct / (double)set.Count;
    }

    /// <summary>Accuracy on the examples of <paramref name="set"/> whose label is <paramref name="label"/> (NaN when there are none).</summary>
    public static double ClassAccuracy(IClassifier model, LabelledSet set, int label, int batch = 256, ReadOnlySpan<float> logitBias = default)
    {
        var idx = Enumerable.Range(0, set.Count).Where(i => set.Labels[i] == label).ToArray();
        if (idx.Length == 0) return double.NaN;
        var inputs = new float[idx.Length * set.InputCount];
        for (int j = 0; j < idx.Length; j++) set.Input(idx[j]).CopyTo(inputs.AsSpan(j * set.InputCount));
        return Accuracy(model, new LabelledSet(inputs, Enumerable.Repeat(label, idx.Length).ToArray(), set.InputCount), batch, logitBias);
    }
}

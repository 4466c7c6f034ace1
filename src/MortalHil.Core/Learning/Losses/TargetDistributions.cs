namespace MortalHil.Core.Learning.Losses;

/// <summary>Builds target distributions (rows summing to 1) from labels or from a teacher's logits.</summary>
public static class TargetDistributions
{
    /// <summary>One-hot rows for <paramref name="labels"/>.</summary>
    public static float[] OneHot(ReadOnlySpan<byte> labels, int classes)
    {
        var t = new float[labels.Length * classes];
        OneHot(labels, classes, t);
        return t;
    }

    /// <summary>Writes one-hot rows for <paramref name="labels"/> into <paramref name="targets"/>.</summary>
    public static void OneHot(ReadOnlySpan<byte> labels, int classes, Span<float> targets)
    {
        targets[..(labels.Length * classes)].Clear();
        for (int b = 0; b < labels.Length; b++)
        {
            if (labels[b] >= classes) throw new ArgumentException($"label {labels[b]} is not below {classes} classes");
            targets[b * classes + labels[b]] = 1f;
        }
    }

    /// <summary>softmax(logits / T) per row: a teacher's soft targets at temperature <paramref name="temperature"/>.</summary>
    public static void Soften(ReadOnlySpan<float> logits, int batch, int classes, float temperature, Span<float> targets)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature));
        for (int b = 0; b < batch; b++)
        {
            var y = logits.Slice(b * classes, classes);
            var t = targets.Slice(b * classes, classes);
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = MathF.Max(max, y[c] / temperature);
            float sum = 0;
            for (int c = 0; c < classes; c++) { t[c] = MathF.Exp(y[c] / temperature - max); sum += t[c]; }
            for (int c = 0; c < classes; c++) t[c] /= sum;
        }
    }

    /// <summary>Index of the largest value of each row.</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
        return best;
    }
}

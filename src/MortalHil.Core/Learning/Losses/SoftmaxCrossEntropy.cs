namespace MortalHil.Core.Learning.Losses;

/// <summary>
/// Cross-entropy between target distributions and softmax(logits / T), computed on the host. Targets
/// are distributions, not labels: one-hot rows for labelled data, or a teacher's softened outputs for
/// distillation (Hinton, Vinyals &amp; Dean 2015, "Distilling the knowledge in a neural network"). With
/// <see cref="ScaleByTemperatureSquared"/> the gradient is multiplied by T², as that paper recommends,
/// so its size does not shrink as T grows.
/// </summary>
public sealed class SoftmaxCrossEntropy
{
    public SoftmaxCrossEntropy(float temperature = 1f, bool scaleByTemperatureSquared = true)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be positive");
        Temperature = temperature;
        ScaleByTemperatureSquared = scaleByTemperatureSquared;
    }

    public float Temperature { get; }
    public bool ScaleByTemperatureSquared { get; }

    /// <summary>
    /// Mean loss over the batch. If <paramref name="gradient"/> is not empty it receives ∂L_b/∂logits for each
    /// example b (not divided by the batch size). If <paramref name="perExample"/> is not empty it receives L_b.
    /// </summary>
    public float Evaluate(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int batch, int classes,
        Span<float> gradient = default, Span<float> perExample = default)
    {
        if (logits.Length < batch * classes || targets.Length < batch * classes)
            throw new ArgumentException($"need {batch} x {classes} logits and targets");
        float invT = 1f / Temperature;
        float gradScale = ScaleByTemperatureSquared ? Temperature : invT; // T² · (1/T)
        Span<float> p = stackalloc float[classes];
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            var y = logits.Slice(b * classes, classes);
            var t = targets.Slice(b * classes, classes);
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = MathF.Max(max, y[c] * invT);
            float sum = 0;
            for (int c = 0; c < classes; c++) { p[c] = MathF.Exp(y[c] * invT - max); sum += p[c]; }
            float logSum = MathF.Log(sum) + max;
            float loss = 0;
            for (int c = 0; c < classes; c++)
            {
                if (t[c] > 0) loss -= t[c] * (y[c] * invT - logSum);
                p[c] /= sum;
            }
            total += loss;
            if (!perExample.IsEmpty) perExample[b] = loss;
            if (!gradient.IsEmpty)
            {
                var g = gradient.Slice(b * classes, classes);
                for (int c = 0; c < classes; c++) g[c] = (p[c] - t[c]) * gradScale;
            }
        }
        return (float)(total / batch);
    }
}

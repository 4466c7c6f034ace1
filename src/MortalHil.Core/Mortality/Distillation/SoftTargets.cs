namespace MortalHil.Core.Mortality.Distillation;

/// <summary>
/// Soft targets and the distillation loss of Hinton, Vinyals and Dean, "Distilling the Knowledge in
/// a Neural Network" (2015): q_i = exp(z_i / T) / sum_j exp(z_j / T); the student minimises the cross
/// entropy to the teacher's q at the same T, scaled by T^2 so its gradients keep their size as T
/// changes (their section 2: the soft-target gradients scale as 1/T^2).
/// </summary>
public static class SoftTargets
{
    /// <summary>Softmax of <paramref name="logits"/> at temperature <paramref name="temperature"/> into <paramref name="probabilities"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, float temperature, Span<float> probabilities)
    {
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be positive");
        if (probabilities.Length != logits.Length) throw new ArgumentException("probabilities and logits differ in length");
        float max = float.NegativeInfinity;
        foreach (var z in logits) max = MathF.Max(max, z);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float e = MathF.Exp((logits[i] - max) / temperature);
            probabilities[i] = e;
            sum += e;
        }
        float inv = (float)(1 / sum);
        for (int i = 0; i < logits.Length; i++) probabilities[i] *= inv;
    }

    /// <summary>A one-hot distribution on the teacher's argmax: the "hard label" a teacher can give.</summary>
    public static void HardTarget(ReadOnlySpan<float> logits, Span<float> distribution)
    {
        distribution.Clear();
        distribution[Ports.ClassifierEvaluation.ArgMax(logits)] = 1;
    }

    /// <summary>
    /// The distillation loss for one example: T^2 * H(q_teacher, softmax(z_student / T)), with q the
    /// target distribution (already at temperature T). Its gradient with respect to the student logits is
    /// T * (p_student - q).
    /// </summary>
    public static double Loss(ReadOnlySpan<float> studentLogits, ReadOnlySpan<float> target, float temperature)
    {
        Span<float> p = stackalloc float[studentLogits.Length];
        Softmax(studentLogits, temperature, p);
        double h = 0;
        for (int i = 0; i < p.Length; i++)
            if (target[i] > 0) h -= target[i] * Math.Log(Math.Max(p[i], 1e-30));
        return temperature * temperature * h;
    }
}

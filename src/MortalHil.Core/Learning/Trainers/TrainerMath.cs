using System.Numerics.Tensors;
using MortalHil.Core.Learning.Losses;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>Small host-side computations the trainers share.</summary>
public static class TrainerMath
{
    /// <summary>Examples whose largest logit is at the target distribution's largest entry.</summary>
    public static int CountCorrect(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int batch, int classes)
    {
        int correct = 0;
        for (int b = 0; b < batch; b++)
            if (TargetDistributions.ArgMax(logits.Slice(b * classes, classes)) == TargetDistributions.ArgMax(targets.Slice(b * classes, classes)))
                correct++;
        return correct;
    }

    /// <summary>Host bias step: b −= rate · mean_b δ.</summary>
    public static void UpdateBias(Span<float> bias, ReadOnlySpan<float> delta, int batch, float rate)
    {
        if (rate == 0) return;
        int n = bias.Length;
        float s = rate / batch;
        for (int b = 0; b < batch; b++)
            TensorPrimitives.MultiplyAdd(delta.Slice(b * n, n), -s, bias, bias);
    }

    /// <summary>dst (inputs x outputs) = mean over the batch of x_b δ_bᵀ.</summary>
    public static void AverageOuterProduct(ReadOnlySpan<float> x, ReadOnlySpan<float> delta, int batch, int inputs, int outputs, Span<float> dst)
    {
        dst = dst[..(inputs * outputs)];
        dst.Clear();
        float s = 1f / batch;
        for (int b = 0; b < batch; b++)
        {
            var db = delta.Slice(b * outputs, outputs);
            for (int i = 0; i < inputs; i++)
            {
                float xi = x[b * inputs + i] * s;
                if (xi == 0) continue;
                var row = dst.Slice(i * outputs, outputs);
                TensorPrimitives.MultiplyAdd(db, xi, row, row);
            }
        }
    }

    /// <summary>
    /// Activity perturbations of a layer with <paramref name="units"/> outputs, <paramref name="directions"/> per example:
    /// row (d·batch + b) gets Rademacher signs on the example's active units (pre-activation &gt; 0; an inactive ReLU
    /// unit carries no gradient) and 0 elsewhere, in <paramref name="signs"/>; <paramref name="perturbed"/> gets the
    /// activity plus σ·sign, or σ·sign alone when the downstream layer is read by superposition.
    /// </summary>
    public static void ActivePerturbations(ReadOnlySpan<float> pre, ReadOnlySpan<float> post, int batch, int units, int directions, float sigma,
        bool superposition, SeededRandom rng, Span<float> signs, Span<float> perturbed)
    {
        for (int d = 0; d < directions; d++)
        for (int b = 0; b < batch; b++)
        {
            int o = (d * batch + b) * units;
            for (int j = 0; j < units; j++)
            {
                float u = pre[b * units + j] > 0 ? rng.NextSign() : 0f;
                signs[o + j] = u;
                perturbed[o + j] = superposition ? sigma * u : post[b * units + j] + sigma * u;
            }
        }
    }
}

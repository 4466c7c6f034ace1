using MortalHil.Core.Learning;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// Hinton, Vinyals and Dean (2015, section 3): a student that never saw a class in its transfer set
/// still learns it from the soft targets, but its bias for that class is too low; raising that one
/// logit's bias repairs much of it. The shift is chosen on a labelled held-out set (here the canary
/// set), never on the test set.
/// </summary>
public static class BiasCorrection
{
    public sealed record Choice(float Shift, double CanaryAccuracy);

    /// <summary>The shift of class <paramref name="digit"/>'s logit in [0, 10] (steps of 0.25) that maximises accuracy on <paramref name="heldOut"/>.</summary>
    public static Choice Choose(IClassifier model, LabelledSet heldOut, int digit)
    {
        int k = model.ClassCount;
        var logits = new float[heldOut.Count * k];
        model.Predict(heldOut.Inputs, heldOut.Count, logits);
        var best = new Choice(0, Score(logits, heldOut.Labels, k, digit, 0));
        for (float shift = 0.25f; shift <= 10f; shift += 0.25f)
        {
            double acc = Score(logits, heldOut.Labels, k, digit, shift);
            if (acc > best.CanaryAccuracy) best = new Choice(shift, acc);
        }
        return best;
    }

    private static double Score(float[] logits, int[] labels, int k, int digit, float shift)
    {
        int correct = 0;
        Span<float> row = stackalloc float[k];
        for (int i = 0; i < labels.Length; i++)
        {
            logits.AsSpan(i * k, k).CopyTo(row);
            row[digit] += shift;
            if (ClassifierEvaluation.ArgMax(row) == labels[i]) correct++;
        }
        return correct / (double)labels.Length;
    }
}

using System.Numerics.Tensors;

namespace MortalHil.Core.Learning.Chains;

/// <summary>
/// A measured linear map from a hidden layer's activity (as its monitor taps show it) to the scores of one ADC stage
/// the layer feeds, learned from the trainer's own perturbed reads: each perturbed read moves the activity by Δh (taps,
/// perturbed minus clean) and the stage's scores by Δy (ADC, perturbed minus clean), and Δy = M Δh whatever the
/// crossbar's cells, read voltages or crossed lines are, since the stage is a crossbar. M is fitted by least mean squares
/// with each column normalised by its own activity's energy (a Jacobi-preconditioned LMS), so a neuron that rarely moves
/// is not overshot. This is the "weight mirror" of Akrout, Wilson, Humphreys, Lillicrap &amp; Tweed (NeurIPS 2019,
/// "Deep learning without weight transport"): the feedback weights are learned from injected noise, not copied.
/// The mirror assumes nothing of the neurons; the host never reads a weight.
/// </summary>
public sealed class FeedbackMirror
{
    private readonly float[] _m, _gradient, _energy, _error;

    public FeedbackMirror(int outputs, int hidden, float rate)
    {
        if (outputs < 1 || hidden < 1) throw new ArgumentOutOfRangeException(nameof(outputs), "a mirror needs at least one output and one hidden unit");
        if (!(rate > 0 && rate <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), "the mirror's rate must be in (0, 1]");
        Outputs = outputs;
        Hidden = hidden;
        Rate = rate;
        _m = new float[outputs * hidden];
        _gradient = new float[outputs * hidden];
        _energy = new float[hidden];
        _error = new float[outputs];
    }

    public int Outputs { get; }
    public int Hidden { get; }
    public float Rate { get; }
    /// <summary>Row-major <c>Outputs x Hidden</c>: score change per unit of activity change.</summary>
    public ReadOnlySpan<float> Weights => _m;
    /// <summary>Updates so far.</summary>
    public long Updates { get; private set; }

    /// <summary>
    /// One LMS step from <paramref name="rows"/> pairs: <paramref name="dh"/> (<c>rows x Hidden</c>) and <paramref name="dy"/>
    /// (<c>rows x Outputs</c>). <paramref name="floor"/> is added to each column's energy, so a column that never moved
    /// (a dead neuron) stays where it is rather than divided by zero.
    /// </summary>
    public void Update(ReadOnlySpan<float> dh, ReadOnlySpan<float> dy, int rows, float floor)
    {
        int h = Hidden, o = Outputs;
        Array.Clear(_gradient);
        Array.Clear(_energy);
        for (int r = 0; r < rows; r++)
        {
            var x = dh.Slice(r * h, h);
            var y = dy.Slice(r * o, o);
            for (int c = 0; c < o; c++) _error[c] = y[c] - TensorPrimitives.Dot(_m.AsSpan(c * h, h), x);
            for (int c = 0; c < o; c++)
            {
                var g = _gradient.AsSpan(c * h, h);
                TensorPrimitives.MultiplyAdd(x, _error[c], g, g);
            }
            TensorPrimitives.MultiplyAdd(x, x, _energy, _energy);
        }
        for (int j = 0; j < h; j++) _energy[j] = Rate / (_energy[j] + floor);
        for (int c = 0; c < o; c++)
        {
            var g = _gradient.AsSpan(c * h, h);
            TensorPrimitives.Multiply(g, _energy, g);
            var m = _m.AsSpan(c * h, h);
            TensorPrimitives.Add(m, g, m);
        }
        Updates++;
    }

    /// <summary>
    /// ∂L/∂h for one example: Mᵀ <paramref name="scoreGradient"/> (<c>Outputs</c>), added to <paramref name="result"/> (<c>Hidden</c>).
    /// </summary>
    public void AddBackward(ReadOnlySpan<float> scoreGradient, Span<float> result)
    {
        int h = Hidden;
        for (int c = 0; c < Outputs; c++)
            if (scoreGradient[c] != 0) TensorPrimitives.MultiplyAdd(_m.AsSpan(c * h, h), scoreGradient[c], result, result);
    }
}

using MortalHil.Core.Devices;
using MortalHil.Stress.Randomness;

namespace MortalHil.Stress.Interim;

/// <summary>
/// In-situ training of a <see cref="DifferentialLinearModel"/> against target distributions (one-hot labels
/// or a teacher's soft targets): read the batch's logits from the board, form the softmax error at
/// temperature T, and pulse each cell by the outer product of inputs and error (the exact gradient of a
/// single layer needs only the forward readout, as in Li et al., Nat. Commun. 2018, in-situ training).
/// The two cells of a pair move in opposite directions. Counts are rounded stochastically. At temperature
/// T the error is scaled by T, the gradient of T^2 x cross-entropy (Hinton, Vinyals &amp; Dean 2015: keeps
/// soft-target gradients as large as hard-target ones when T changes).
/// </summary>
internal sealed class OnChipSoftmaxTrainer(DifferentialLinearModel model, double learningRatePulses)
{
    private readonly int _rows = model.Features + 1, _cols = 2 * model.Classes;
    private float[] _logits = [];
    private readonly float[] _gradient = new float[(model.Features + 1) * model.Classes];
    private readonly short[] _counts = new short[(model.Features + 1) * 2 * model.Classes];

    /// <summary>
    /// One step on a batch: <paramref name="inputs"/> (batch x features) and <paramref name="targets"/>
    /// (batch x classes, rows summing to 1). <paramref name="pulseId"/> makes the step's pulses idempotent:
    /// a step repeated with the same id after a crash is recognised by the board and not applied again.
    /// Returns the pulses the board applied (0 for a repeat).
    /// </summary>
    public long Step(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int batch, double temperature, ulong pulseId, ulong roundingSeed)
    {
        int f = model.Features, k = model.Classes;
        if (_logits.Length < batch * k) _logits = new float[batch * k];
        var z = _logits.AsSpan(0, batch * k);
        model.ReadBatch(inputs, z, batch);

        Array.Clear(_gradient);
        Span<float> p = stackalloc float[k];
        for (int b = 0; b < batch; b++)
        {
            Softmax(z.Slice(b * k, k), (float)temperature, p);
            for (int c = 0; c < k; c++)
            {
                float delta = (float)temperature * (p[c] - targets[b * k + c]) / batch;
                if (delta == 0) continue;
                for (int i = 0; i < f; i++) _gradient[i * k + c] += inputs[b * f + i] * delta;
                _gradient[f * k + c] += delta; // bias row
            }
        }

        var rng = new SplitMixRandom(roundingSeed);
        int limit = model.Board.Description.Limits.MaxPulsesPerCellPerRequest;
        bool any = false;
        for (int i = 0; i < _rows; i++)
        {
            for (int c = 0; c < k; c++)
            {
                double want = -learningRatePulses * _gradient[i * k + c];
                double floor = Math.Floor(want);
                int n = (int)floor + (rng.NextDouble() < want - floor ? 1 : 0);
                n = Math.Clamp(n, -limit, limit);
                _counts[i * _cols + 2 * c] = (short)n;       // positive column up
                _counts[i * _cols + 2 * c + 1] = (short)(-n); // negative column down
                any |= n != 0;
            }
        }
        if (!any) return 0;
        var caps = model.Board.Description.Capabilities;
        var request = new PulseRequest(pulseId == 0 ? 1 : pulseId, (float)caps.NominalPulseVoltage.Volts, (float)caps.NominalPulseWidth.Seconds);
        return model.Board.ApplyCellPulses(request, model.Window, _counts).PulsesApplied;
    }

    internal static void Softmax(ReadOnlySpan<float> z, float temperature, Span<float> p)
    {
        float max = float.NegativeInfinity;
        for (int c = 0; c < z.Length; c++) max = MathF.Max(max, z[c] / temperature);
        float sum = 0;
        for (int c = 0; c < z.Length; c++) { p[c] = MathF.Exp(z[c] / temperature - max); sum += p[c]; }
        for (int c = 0; c < z.Length; c++) p[c] /= sum;
    }
}

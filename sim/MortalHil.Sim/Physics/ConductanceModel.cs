using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Physics;

/// <summary>
/// The conductance a cell shows at a given moment: its hidden state plus write noise, quantised to the
/// device's levels, drifted since its last write, with PCM-style 1/f noise; stuck cells sit at a bound.
/// </summary>
internal sealed class ConductanceModel(DevicePreset preset, DriftModel drift)
{
    private readonly ConductanceScale _scale = ConductanceScale.Of(preset);
    private readonly int _levels = preset.Pulse.Levels;
    private readonly FlickerNoiseSpec _flicker = preset.FlickerNoise;

    /// <summary>What changes with time: the clock, ageing of drift and the 1/f noise epoch.</summary>
    public readonly record struct Moment(double NowSeconds, double NuMultiplier, ulong FlickerKey);

    public bool DependsOnTime => drift.Enabled || _flicker.Enabled;

    public float Visible(TileCells t, int i, in Moment m)
    {
        byte stuck = t.Stuck[i];
        if (stuck == TileCells.StuckLow) return _scale.ToSiemens(t.WMin[i]);
        if (stuck == TileCells.StuckHigh) return _scale.ToSiemens(t.WMax[i]);

        float w = t.W[i] + t.WriteNoise[i];
        if (_levels >= 2)
        {
            float lo = t.WMin[i], q = (t.WMax[i] - lo) / (_levels - 1);
            float level = Math.Clamp(MathF.Round((w - lo) / q), 0f, _levels - 1);
            w = lo + level * q;
        }
        float g = _scale.ToSiemens(w);
        if (drift.Enabled)
            g *= drift.Factor(t.Nu[i], t.ProgrammedAt[i], m.NowSeconds, m.NuMultiplier);
        if (_flicker.Enabled && g > 0)
        {
            // aihwkit PCMLikeNoiseModel: Q = min(a / g^b, q_max), sigma = G Q sqrt(ln((t + t_read) / (2 t_read))).
            double dt = Math.Max(0.0, m.NowSeconds - t.ProgrammedAt[i]);
            double l = Math.Log((dt + _flicker.TReadSeconds) / (2 * _flicker.TReadSeconds));
            if (l > 0)
            {
                double gn = Math.Max(g / _scale.GMax, 1e-6);
                double q = Math.Min(_flicker.QCoefficient / Math.Pow(gn, _flicker.QExponent), _flicker.QMax);
                g = (float)Math.Max(0.0, g * (1.0 + q * Math.Sqrt(l) * StableHash.Gaussian(m.FlickerKey, RandomStreams.Flicker, (ulong)i)));
            }
        }
        return g;
    }
}

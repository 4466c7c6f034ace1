using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Physics;

/// <summary>
/// Power-law conductance drift after programming, G(t) = G0 ((t - t_prog) / t0)^-nu for t - t_prog &gt; t0
/// (aihwkit PCMLikeNoiseModel, t0 = 20 s). With ageing, every exponent grows with board age.
/// </summary>
internal sealed class DriftModel(DevicePreset preset)
{
    private const double SecondsPerYear = 365.25 * 24 * 3600;
    private readonly DriftSpec _drift = preset.Drift;
    private readonly AgeingSpec _ageing = preset.Ageing;
    private readonly ConductanceScale _scale = ConductanceScale.Of(preset);

    public bool Enabled => _drift.Enabled;

    /// <summary>Multiplier of every cell's exponent at board age <paramref name="nowSeconds"/>.</summary>
    public double AgeingMultiplier(double nowSeconds)
        => _ageing.Enabled ? 1.0 + _ageing.NuGrowthPerYear * nowSeconds / SecondsPerYear : 1.0;

    /// <summary>Factor by which a cell written at <paramref name="programmedAt"/> with exponent <paramref name="nu"/> has drifted by now.</summary>
    public float Factor(float nu, double programmedAt, double nowSeconds, double ageingMultiplier)
    {
        if (!_drift.Enabled) return 1f;
        double dt = nowSeconds - programmedAt;
        if (dt <= _drift.T0Seconds || nu <= 0) return 1f;
        return (float)Math.Pow(dt / _drift.T0Seconds, -nu * ageingMultiplier);
    }

    /// <summary>The drift exponent a cell gets when written to its current state.</summary>
    public float ExponentAfterWrite(TileCells t, int i)
    {
        if (!_drift.Enabled) return 0f;
        double mean = _drift.NuMean, std = _drift.NuStd;
        if (_drift.NuStateDependent)
        {
            // aihwkit PCMLikeNoiseModel (Nandakumar et al. 2020): nu and its spread depend on g = G / g_max.
            double g = Math.Clamp(_scale.ToSiemens(t.W[i] + t.WriteNoise[i]) / _scale.GMax, 1e-3, 1.0);
            mean = Math.Clamp(-0.0155 * Math.Log(g) + 0.0244, 0.049, 0.1);
            std = Math.Clamp(-0.0125 * Math.Log(g) - 0.0059, 0.008, 0.045);
        }
        return (float)Math.Max(0.0, mean + std * t.NuDeviation[i]);
    }

    /// <summary>The hidden state with drift since the last write folded in (the state a new pulse acts on).</summary>
    public float FoldIntoState(TileCells t, int i, double nowSeconds)
    {
        float w = t.W[i];
        if (!_drift.Enabled) return w;
        float f = Factor(t.Nu[i], t.ProgrammedAt[i], nowSeconds, AgeingMultiplier(nowSeconds));
        if (f == 1f) return w;
        return Math.Clamp(_scale.ToWeight(_scale.ToSiemens(w) * f), t.WMin[i], t.WMax[i]);
    }
}

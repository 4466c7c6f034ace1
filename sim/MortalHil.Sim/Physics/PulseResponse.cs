using MortalHil.Core.Randomness;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Physics;

/// <summary>
/// What programming pulses do to one cell: aihwkit's LinearStep/SoftBounds response with
/// cycle-to-cycle noise, write noise on the visible state, wear, wear-out and pulse-induced faults.
/// </summary>
/// <remarks>
/// One pulse at w moves the hidden state by
///   up:   s dw_up   (1 - gamma_up w / w_max) + s dw xi c2c
///   down: s dw_down (1 - gamma_down w / w_min) + s dw xi c2c
/// and clips to the cell's window [w_min, w_max] (aihwkit LinearStepDevice; gamma = 1 is SoftBoundsDevice).
/// s scales the step with the pulse: zero below the threshold voltage, linear in the overdrive above it,
/// and (width / nominal width)^exponent. The visible state then carries a fresh write-noise offset.
/// The per-pulse noise uses the cheap Irwin-Hall normal (tails end at ±3.5 sigma): millions are drawn per update.
/// </remarks>
internal sealed class PulseResponse(DevicePreset preset)
{
    private readonly PulseSpec _pulse = preset.Pulse;
    private readonly ConductanceScale _scale = ConductanceScale.Of(preset);

    /// <summary>Step multiplier of a pulse of <paramref name="volts"/> and <paramref name="seconds"/> relative to the nominal pulse.</summary>
    public double Strength(float volts, float seconds)
    {
        if (volts <= _pulse.ThresholdVolts) return 0;
        double overdrive = (volts - _pulse.ThresholdVolts) / (_pulse.NominalVolts - _pulse.ThresholdVolts);
        return overdrive * Math.Pow(seconds / _pulse.NominalWidthSeconds, _pulse.WidthExponent);
    }

    /// <summary>Applies <paramref name="count"/> pulses (sign = direction) of <paramref name="strength"/> to cell <paramref name="i"/>.</summary>
    public void Apply(TileCells t, int i, int count, double strength, double nowSeconds, DriftModel drift, ref Xoshiro256StarStar rng)
    {
        if (count == 0 || strength <= 0) return;
        int n = Math.Abs(count);
        t.Wear[i] += n; // a stuck cell still receives (and is worn by) the pulses
        if (t.Stuck[i] != TileCells.Free) return;

        // The pulse acts on the physical state, drift included: fold any drift since the last write into the state.
        float w = drift.FoldIntoState(t, i, nowSeconds);
        float wMin = t.WMin[i], wMax = t.WMax[i];
        float dwMean = 0.5f * (t.DwUp[i] + t.DwDown[i]);
        float c2c = (float)(_pulse.DwMinStd * strength) * dwMean;
        if (count > 0)
        {
            float a = (float)(strength * t.DwUp[i]), k = (float)_pulse.GammaUp / wMax;
            for (int p = 0; p < n; p++)
            {
                float step = MathF.Max(0f, a * (1f - k * w));
                if (c2c > 0) step += c2c * rng.NextGaussianFast();
                w = Math.Clamp(w + step, wMin, wMax);
            }
        }
        else
        {
            float a = (float)(strength * t.DwDown[i]), k = (float)_pulse.GammaDown / wMin;
            for (int p = 0; p < n; p++)
            {
                float step = MathF.Max(0f, a * (1f - k * w));
                if (c2c > 0) step += c2c * rng.NextGaussianFast();
                w = Math.Clamp(w - step, wMin, wMax);
            }
        }
        t.W[i] = w;
        t.WriteNoise[i] = WriteNoise(w, ref rng);
        t.ProgrammedAt[i] = nowSeconds;
        t.Nu[i] = drift.ExponentAfterWrite(t, i);
    }

    private float WriteNoise(float w, ref Xoshiro256StarStar rng)
    {
        if (_pulse.PcmProgrammingNoise)
        {
            // aihwkit PCMLikeNoiseModel: sigma = 0.26348 + 1.9650 g - 1.1731 g^2 (uS) at g_max 25 uS, g = G / g_max.
            double g = Math.Clamp(_scale.ToSiemens(w) / _scale.GMax, 0.0, 1.0);
            double sigmaRelGMax = (0.26348 + 1.9650 * g - 1.1731 * g * g) / 25.0;
            return (float)(sigmaRelGMax * _scale.GMax / _scale.Half * rng.NextGaussian());
        }
        if (_pulse.WriteNoiseStd <= 0) return 0f;
        return (float)(_pulse.WriteNoiseStd * _pulse.DwMin * rng.NextGaussian());
    }
}

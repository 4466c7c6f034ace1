using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Forward;

/// <summary>
/// The periphery around the array: row DACs on the way in; column offsets, read noise, analog
/// neurons and column ADCs on the way out. Column gain mismatch is folded into the effective
/// conductances instead, so it costs nothing here.
/// </summary>
internal sealed class ReadoutChain(DevicePreset preset)
{
    private readonly bool _dacQuantize = preset.Dac.Quantize;
    private readonly float _dacStep = (float)(2 * preset.Dac.FullScaleVolts / ((1 << preset.Dac.Bits) - 2));
    private readonly float _dacFullScale = (float)preset.Dac.FullScaleVolts;
    private readonly bool _adcQuantize = preset.Adc.Quantize, _adcSaturate = preset.Adc.Saturate;
    private readonly float _adcFullScale = (float)(preset.Adc.FullScaleMicroamps * 1e-6);
    private readonly float _adcStep = (float)(2 * preset.Adc.FullScaleMicroamps * 1e-6 / ((1 << preset.Adc.Bits) - 2));
    private readonly float _adcNoise = (float)(preset.Adc.NoiseRel * preset.Adc.FullScaleMicroamps * 1e-6);
    private readonly float _cellNoise = (float)(preset.Read.NoiseRel * preset.Conductance.GMaxMicrosiemens * 1e-6);

    /// <summary>Row DACs: quantise each input to the DAC step; returns the sum of squares of each batch row.</summary>
    public void Dac(ReadOnlySpan<float> volts, Span<float> applied, int rows, Span<float> sumSquares)
    {
        for (int b = 0; b < sumSquares.Length; b++)
        {
            var v = volts.Slice(b * rows, rows);
            var a = applied.Slice(b * rows, rows);
            float ss = 0;
            if (_dacQuantize)
            {
                float inv = 1f / _dacStep;
                for (int i = 0; i < rows; i++)
                {
                    float q = Math.Clamp(MathF.Round(v[i] * inv) * _dacStep, -_dacFullScale, _dacFullScale);
                    a[i] = q;
                    ss += q * q;
                }
            }
            else
            {
                v.CopyTo(a);
                for (int i = 0; i < rows; i++) ss += v[i] * v[i];
            }
            sumSquares[b] = ss;
        }
    }

    /// <summary>
    /// Everything after the column sums of one batch row: offset, noise, neuron, ADC.
    /// Read noise is aihwkit's additive weight noise: every driven cell fluctuates by noise_rel * g_max
    /// independently, so a column sees sigma = noise_rel * g_max * ||V||.
    /// </summary>
    public void Columns(Span<float> y, float sumSquares, ReadOnlySpan<float> offsets, ReadOnlySpan<float> neuronGain,
        ReadOnlySpan<float> neuronOffset, AnalogActivation activation, float readNoiseMultiplier, ulong noiseSeed)
    {
        float sigma = _cellNoise * readNoiseMultiplier * MathF.Sqrt(sumSquares);
        bool noisy = sigma > 0 || _adcNoise > 0;
        var rng = new Xoshiro256(noiseSeed);
        float swing = 0.5f * _adcFullScale;
        for (int j = 0; j < y.Length; j++)
        {
            float v = y[j] + offsets[j];
            if (noisy)
            {
                if (sigma > 0) v += sigma * rng.NextGaussianFast();
                if (_adcNoise > 0) v += _adcNoise * rng.NextGaussianFast();
            }
            v = activation switch
            {
                AnalogActivation.Relu => neuronGain[j] * MathF.Max(0f, v + neuronOffset[j]),
                // A saturating neuron with unit small-signal gain and a swing of half the ADC range.
                AnalogActivation.Tanh => swing * MathF.Tanh(neuronGain[j] * (v + neuronOffset[j]) / swing),
                _ => v,
            };
            if (_adcSaturate) v = Math.Clamp(v, -_adcFullScale, _adcFullScale);
            if (_adcQuantize) v = MathF.Round(v / _adcStep) * _adcStep;
            y[j] = v;
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Forward;

/// <summary>
/// The periphery around the array: row DACs on the way in; column offsets, read noise, analog
/// neurons and column ADCs on the way out. Column gain mismatch is folded into the effective
/// conductances instead, so it costs nothing here. Vectorised with <see cref="Vector256"/>: this runs
/// on every element of every read.
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

    /// <summary>Row DACs for one batch row: quantise each input to the DAC step; returns the sum of squares of what was applied.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public float Dac(ReadOnlySpan<float> volts, Span<float> applied)
    {
        int n = volts.Length, i = 0;
        if (!_dacQuantize)
        {
            volts.CopyTo(applied);
            float s = 0;
            for (; i < n; i++) s += volts[i] * volts[i];
            return s;
        }
        var step = Vector256.Create(_dacStep);
        var inv = Vector256.Create(1f / _dacStep);
        var hi = Vector256.Create(_dacFullScale);
        var lo = Vector256.Create(-_dacFullScale);
        var acc = Vector256<float>.Zero;
        for (; i + 8 <= n; i += 8)
        {
            var q = Vector256.Min(hi, Vector256.Max(lo, Vector256.Round(Vector256.Create(volts.Slice(i, 8)) * inv) * step));
            q.CopyTo(applied.Slice(i, 8));
            acc += q * q;
        }
        float ss = Vector256.Sum(acc);
        for (; i < n; i++)
        {
            float q = Math.Clamp(MathF.Round(volts[i] / _dacStep) * _dacStep, -_dacFullScale, _dacFullScale);
            applied[i] = q;
            ss += q * q;
        }
        return ss;
    }

    /// <summary>
    /// Everything after the column sums of one batch row: offset, noise, neuron, ADC.
    /// Read noise is aihwkit's additive weight noise: every driven cell fluctuates by noise_rel * g_max
    /// independently, so a column sees sigma = noise_rel * g_max * ||V||; the ADC's own noise adds in
    /// quadrature, so one normal draw per output carries both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Columns(Span<float> y, float sumSquares, ReadOnlySpan<float> offsets, ReadOnlySpan<float> neuronGain,
        ReadOnlySpan<float> neuronOffset, AnalogActivation activation, float readNoiseMultiplier, ulong noiseSeed, Span<float> scratch)
    {
        int n = y.Length;
        float cell = _cellNoise * readNoiseMultiplier;
        float sigma = MathF.Sqrt(cell * cell * sumSquares + _adcNoise * _adcNoise);
        var noise = scratch[..n];
        if (sigma > 0)
        {
            var rng = new Xoshiro256(noiseSeed);
            for (int j = 0; j < n; j++) noise[j] = offsets[j] + sigma * rng.NextGaussianFast();
        }
        else offsets.CopyTo(noise);

        float swing = 0.5f * _adcFullScale;
        int i = 0;
        if (activation != AnalogActivation.Tanh)
        {
            var fs = Vector256.Create(_adcFullScale);
            var nfs = Vector256.Create(-_adcFullScale);
            var step = Vector256.Create(_adcStep);
            var inv = Vector256.Create(1f / _adcStep);
            bool relu = activation == AnalogActivation.Relu;
            for (; i + 8 <= n; i += 8)
            {
                var v = Vector256.Create(y.Slice(i, 8)) + Vector256.Create(noise.Slice(i, 8));
                if (relu) v = Vector256.Create(neuronGain.Slice(i, 8)) * Vector256.Max(Vector256<float>.Zero, v + Vector256.Create(neuronOffset.Slice(i, 8)));
                if (_adcSaturate) v = Vector256.Min(fs, Vector256.Max(nfs, v));
                if (_adcQuantize) v = Vector256.Round(v * inv) * step;
                v.CopyTo(y.Slice(i, 8));
            }
        }
        for (; i < n; i++)
        {
            float v = y[i] + noise[i];
            v = activation switch
            {
                AnalogActivation.Relu => neuronGain[i] * MathF.Max(0f, v + neuronOffset[i]),
                // A saturating neuron with unit small-signal gain and a swing of half the ADC range.
                AnalogActivation.Tanh => swing * MathF.Tanh(neuronGain[i] * (v + neuronOffset[i]) / swing),
                _ => v,
            };
            if (_adcSaturate) v = Math.Clamp(v, -_adcFullScale, _adcFullScale);
            if (_adcQuantize) v = MathF.Round(v * (1f / _adcStep)) * _adcStep;
            y[i] = v;
        }
    }
}

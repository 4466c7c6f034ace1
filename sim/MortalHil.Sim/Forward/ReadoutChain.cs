using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Forward;

/// <summary>
/// The periphery around the array: row DACs on the way in; column offsets, read noise, analog neurons and
/// column ADCs on the way out. Column gain mismatch is folded into the effective conductances instead, so it
/// costs nothing here. The output side runs as the epilogue of each finished register tile of the product
/// (<see cref="ReadoutEpilogue"/>), while the tile is still in L1.
/// </summary>
internal sealed class ReadoutChain(DevicePreset preset)
{
    private readonly bool _dacQuantize = preset.Dac.Quantize;
    private readonly float _dacStep = (float)(2 * preset.Dac.FullScaleVolts / ((1 << preset.Dac.Bits) - 2));
    private readonly float _dacFullScale = (float)preset.Dac.FullScaleVolts;

    /// <summary>ADC full scale, A.</summary>
    public float AdcFullScale { get; } = (float)(preset.Adc.FullScaleMicroamps * 1e-6);

    /// <summary>ADC step, A.</summary>
    public float AdcStep { get; } = (float)(2 * preset.Adc.FullScaleMicroamps * 1e-6 / ((1 << preset.Adc.Bits) - 2));

    public bool AdcQuantize { get; } = preset.Adc.Quantize;
    public bool AdcSaturate { get; } = preset.Adc.Saturate;

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
            // Native min/max (one instruction each): inputs were checked finite, and at a signed zero the
            // result is the rounded value itself, as with Math.Clamp below.
            var q = Vector256.MinNative(Vector256.MaxNative(Vector256.Round(Vector256.Create(volts.Slice(i, 8)) * inv) * step, lo), hi);
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
    /// Standard deviation of one output of a batch row whose applied inputs have <paramref name="sumSquares"/>.
    /// Read noise is aihwkit's additive weight noise: every driven cell fluctuates by noise_rel * g_max
    /// independently, so a column sees sigma = noise_rel * g_max * ||V||; the ADC's own noise adds in
    /// quadrature, so one normal draw per output carries both.
    /// </summary>
    public float Sigma(float sumSquares, float readNoiseMultiplier)
    {
        float cell = _cellNoise * readNoiseMultiplier;
        return MathF.Sqrt(cell * cell * sumSquares + _adcNoise * _adcNoise);
    }
}

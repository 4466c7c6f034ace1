using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MortalHil.Core.Devices;

namespace MortalHil.Sim.Forward;

/// <summary>
/// The output side of the periphery for one finished register tile: column offset plus read noise, analog
/// neuron, ADC saturation and quantisation. Per-column arrays are padded to whole micro-panels and per-row
/// sigmas to whole input micro-panels, so padded edge tiles run the same code as full ones.
/// </summary>
internal readonly unsafe struct ReadoutEpilogue : AnalogMatMul.ITileEpilogue
{
    private readonly float* _offsets, _neuronGain, _neuronOffset, _sigma;
    private readonly ReadNoise _noise;
    private readonly int _columns;
    private readonly AnalogActivation _activation;
    private readonly float _fullScale, _step, _swing;
    private readonly bool _saturate, _quantize, _vector;

    /// <param name="chain">The converters' constants.</param>
    /// <param name="offsets">Column offset (A) of each window column, padded.</param>
    /// <param name="neuronGain">Neuron gain of each window column, padded.</param>
    /// <param name="neuronOffset">Neuron offset (A) of each window column, padded.</param>
    /// <param name="sigma">Noise standard deviation (A) of each batch row, padded.</param>
    /// <param name="noise">This read's noise.</param>
    /// <param name="columns">Window columns: output (b, j) draws noise number b * columns + j.</param>
    /// <param name="activation">Analog neuron, if any.</param>
    public ReadoutEpilogue(ReadoutChain chain, float* offsets, float* neuronGain, float* neuronOffset, float* sigma, ReadNoise noise,
        int columns, AnalogActivation activation)
    {
        _offsets = offsets; _neuronGain = neuronGain; _neuronOffset = neuronOffset; _sigma = sigma;
        _noise = noise; _columns = columns; _activation = activation;
        _fullScale = chain.AdcFullScale; _step = chain.AdcStep; _swing = 0.5f * chain.AdcFullScale;
        _saturate = chain.AdcSaturate; _quantize = chain.AdcQuantize;
        _vector = Vector256.IsHardwareAccelerated && activation != AnalogActivation.Tanh;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(float* tile, int ldt, int b0, int j0, int width)
    {
        for (int r = 0; r < GemmShape.Mr; r++)
        {
            int b = b0 + r;
            float sigma = _sigma[b];
            uint counter = unchecked((uint)(b * _columns + j0));
            float* row = tile + (long)r * ldt;
            if (_vector && width % 8 == 0) RowVector(row, j0, width, sigma, counter);
            else RowScalar(row, j0, width, sigma, counter);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void RowVector(float* row, int j0, int width, float sigma, uint counter)
    {
        var s = Vector256.Create(sigma);
        var fs = Vector256.Create(_fullScale);
        var nfs = Vector256.Create(-_fullScale);
        var step = Vector256.Create(_step);
        var inv = Vector256.Create(1f / _step);
        for (int c = 0; c < width; c += 8)
        {
            var off = Vector256.Load(_offsets + j0 + c);
            var t = sigma > 0 ? Vector256.FusedMultiplyAdd(s, _noise.Gaussian8(counter + (uint)c), off) : off;
            var v = Vector256.Load(row + c) + t;
            // Native max/min are one instruction each; with the zero second, max(±0, +0) is +0 as MathF.Max(0, x) gives.
            if (_activation == AnalogActivation.Relu)
                v = Vector256.Load(_neuronGain + j0 + c) * Vector256.MaxNative(v + Vector256.Load(_neuronOffset + j0 + c), Vector256<float>.Zero);
            if (_saturate) v = Vector256.MinNative(Vector256.MaxNative(v, nfs), fs);
            if (_quantize) v = Vector256.Round(v * inv) * step;
            v.Store(row + c);
        }
    }

    private void RowScalar(float* row, int j0, int width, float sigma, uint counter)
    {
        float inv = 1f / _step;
        for (int c = 0; c < width; c++)
        {
            int j = j0 + c;
            float off = _offsets[j];
            float t = sigma > 0 ? MathF.FusedMultiplyAdd(sigma, _noise.Gaussian(counter + (uint)c), off) : off;
            float v = row[c] + t;
            v = _activation switch
            {
                AnalogActivation.Relu => _neuronGain[j] * MathF.Max(0f, v + _neuronOffset[j]),
                // A saturating neuron with unit small-signal gain and a swing of half the ADC range.
                AnalogActivation.Tanh => _swing * MathF.Tanh(_neuronGain[j] * (v + _neuronOffset[j]) / _swing),
                _ => v,
            };
            if (_saturate) v = Math.Clamp(v, -_fullScale, _fullScale);
            if (_quantize) v = MathF.Round(v * inv) * _step;
            row[c] = v;
        }
    }
}

using MortalHil.Core.Randomness;
using System.Numerics;
using MortalHil.Core.Devices;
using MortalHil.Sim.Forward;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;
using UnitsNet;

namespace MortalHil.Sim;

/// <summary>The analog chain of a simulated board (presets with a <see cref="ChainSpec"/>).</summary>
public sealed partial class SimulatedBoard : IAnalogChainDevice
{
    private ChainNeurons? _neurons;
    private ForwardPass? _chainFromDacs, _chainInner;
    private float[][] _latched = [];
    private int _latchedRows;
    private ulong _chainReads;
    private float[] _stageInput = [], _stageProduct = [], _activity = [];

    /// <summary>Tap conversions made so far (every tap of every result row of every chain read that asked for taps).</summary>
    internal long TapConversions { get; private set; }
    /// <summary>Chain result rows read so far.</summary>
    internal long ChainRows { get; private set; }

    private void InitChain()
    {
        if (_preset.Chain is not { } spec) return;
        _neurons = new ChainNeurons(spec, _key);
        // Inside the chain nothing is converted: the array's exact product plus column offsets; noise is added per result row below.
        var quiet = _preset with
        {
            Read = _preset.Read with { NoiseRel = 0 },
            Adc = _preset.Adc with { Quantize = false, Saturate = false, NoiseRel = 0 },
        };
        _chainFromDacs = new ForwardPass(new ReadoutChain(quiet));
        _chainInner = new ForwardPass(new ReadoutChain(quiet with { Dac = quiet.Dac with { Quantize = false } }));
        _latched = spec.Stages.Select(_ => Array.Empty<float>()).ToArray();
    }

    /// <inheritdoc/>
    public void ReadChain(ReadOnlySpan<float> inputVolts, int repeats, ReadOnlySpan<float> injectionAmps, Span<float> outputAmps, Span<float> tapVolts)
    {
        int rows = ChainGuards.CheckRead(Description, inputVolts, repeats, injectionAmps, outputAmps, tapVolts);
        ThrowIfDead();
        var spec = _preset.Chain!;
        var chain = Description.AnalogChain!;
        var neurons = _neurons!;
        int batch = rows / repeats;
        ulong readIndex = _chainReads++;
        float cellNoise = (float)(_preset.Read.NoiseRel * _preset.Conductance.GMaxMicrosiemens * 1e-6) * ReadNoiseMultiplier();
        float inputFs = chain.Neurons.InputFullScaleAmps, outputFs = chain.Neurons.OutputFullScaleVolts, bias = chain.Neurons.BiasVolts;
        var adc = chain.OutputAdc;
        float adcNoise = (float)(spec.OutputAdc.NoiseRel * adc.FullScaleAmps);
        var injection = chain.Injection;
        float injectionNoise = injection is null ? 0 : (float)(spec.Injection!.NoiseRel * injection.FullScaleAmps);
        var taps = chain.Taps;
        Ensure(ref _activity, rows * neurons.Count);

        for (int s = 0; s < chain.Stages.Count; s++)
        {
            var st = chain.Stages[s];
            var w = st.Window;
            bool fromDacs = st.Source < 0;
            int vectors = fromDacs ? batch : rows; // DAC-fed stages: the DACs hold each input through its repeats
            Ensure(ref _stageInput, vectors * w.RowCount);
            Ensure(ref _stageProduct, vectors * w.ColumnCount);
            var input = _stageInput.AsSpan(0, vectors * w.RowCount);
            for (int v = 0; v < vectors; v++)
            {
                var dst = input.Slice(v * w.RowCount, w.RowCount);
                if (fromDacs) inputVolts.Slice(v * st.Inputs, st.Inputs).CopyTo(dst);
                else
                {
                    dst.Clear();
                    int src = chain.OffsetOf(st.Source);
                    for (int j = 0; j < st.Inputs; j++)
                    {
                        int row = neurons.RowOf[src + j];
                        if (row >= 0) dst[row] += _activity[v * neurons.Count + src + j] * outputFs;
                    }
                }
                if (st.BiasRow) dst[st.Inputs] = bias;
            }
            var product = _stageProduct.AsSpan(0, vectors * w.ColumnCount);
            for (int start = 0; start < vectors; start += _preset.Read.MaxBatch)
            {
                int n = Math.Min(_preset.Read.MaxBatch, vectors - start);
                (fromDacs ? _chainFromDacs! : _chainInner!).Read(_tiles[w.Tile], _effective[w.Tile].Version, w,
                    input.Slice(start * w.RowCount, n * w.RowCount), product.Slice(start * w.ColumnCount, n * w.ColumnCount),
                    AnalogActivation.None, 1f, 0);
            }
            // Latch what drove the rows, per result row, for updates from on-board activity.
            if (_latched[s].Length < rows * w.RowCount) _latched[s] = new float[rows * w.RowCount];
            for (int r = 0; r < rows; r++)
                input.Slice((fromDacs ? r / repeats : r) * w.RowCount, w.RowCount).CopyTo(_latched[s].AsSpan(r * w.RowCount));

            var noise = new ReadNoise(StableHash.Hash(_key, RandomStreams.ChainRead, (readIndex << 6) | (uint)s));
            int first = chain.OffsetOf(s);
            for (int r = 0; r < rows; r++)
            {
                int v = fromDacs ? r / repeats : r;
                var volts = input.Slice(v * w.RowCount, w.RowCount);
                float sumSquares = Dot(volts, volts);
                // Two columns' read noise in the pair difference (aihwkit additive weight noise on every driven cell).
                float pairVariance = 2 * cellNoise * cellNoise * sumSquares;
                var pr = product.Slice(v * w.ColumnCount, w.ColumnCount);
                uint counter = (uint)(r * st.Outputs);
                for (int j = 0; j < st.Outputs; j++)
                {
                    float current = pr[2 * j] - pr[2 * j + 1];
                    if (st.Sink == ChainSink.Neurons)
                    {
                        int id = first + j;
                        float sigma = neurons.NoiseAmps[id];
                        float variance = pairVariance + sigma * sigma;
                        if (!injectionAmps.IsEmpty)
                        {
                            float want = injectionAmps[r * neurons.Count + id];
                            current += MathF.Round(want / injection!.StepAmps) * injection.StepAmps;
                            variance += injectionNoise * injectionNoise;
                        }
                        current += MathF.Sqrt(variance) * noise.Gaussian(counter + (uint)j);
                        float y = neurons.Transfer(id, current, inputFs);
                        _activity[r * neurons.Count + id] = y;
                        if (!tapVolts.IsEmpty)
                        {
                            float t = Math.Clamp(y * outputFs, -taps!.FullScaleVolts, taps.FullScaleVolts);
                            tapVolts[r * neurons.Count + id] = MathF.Round(t / taps.StepVolts) * taps.StepVolts;
                        }
                    }
                    else
                    {
                        current += MathF.Sqrt(pairVariance + adcNoise * adcNoise) * noise.Gaussian(counter + (uint)j);
                        current = Math.Clamp(current, -adc.FullScaleAmps, adc.FullScaleAmps);
                        outputAmps[r * chain.OutputCount + first + j] = MathF.Round(current / adc.StepAmps) * adc.StepAmps;
                    }
                }
            }
        }
        _latchedRows = rows;
        _totalReads += rows;
        ChainRows += rows;
        if (!tapVolts.IsEmpty) TapConversions += (long)rows * neurons.Count;
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyLatchedOuterProduct(in PulseRequest request, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity)
    {
        ChainGuards.CheckLatched(Description, request, stage, example, rowProbability, slots, columnTrains, columnPolarity, _latchedRows);
        ThrowIfDead();
        if (_ledger.TryGet(request.Id, out var first)) return first;
        var chain = Description.AnalogChain!;
        var st = chain.Stages[stage];
        var w = st.Window;
        float fullScale = st.Source < 0 ? MathF.Min(Description.Dac.FullScaleVolts, Description.Limits.MaxReadVolts) : chain.Neurons.OutputFullScaleVolts;
        fullScale = MathF.Max(fullScale, chain.Neurons.BiasVolts);
        var latched = _latched[stage].AsSpan(example * w.RowCount, w.RowCount);
        var rng = new Xoshiro256StarStar(StableHash.Hash(_key, RandomStreams.ChainLatched, request.Id));
        var tile = _tiles[w.Tile];
        double strength = _pulseResponse.Strength(request.AmplitudeVolts, request.WidthSeconds);
        double now = NowSeconds;
        long total = 0;
        for (int r = 0; r < w.RowCount; r++)
        {
            float v = latched[r];
            if (v == 0) continue;
            double p = Math.Min(1.0, rowProbability * Math.Abs(v) / fullScale);
            ulong train = 0;
            for (int t = 0; t < slots; t++)
                if (rng.NextDouble() < p) train |= 1UL << t;
            if (train == 0) continue;
            int rowPolarity = v > 0 ? 1 : -1;
            int rowBase = (w.Row0 + r) * tile.Columns + w.Column0;
            for (int c = 0; c < w.ColumnCount; c++)
            {
                int direction = rowPolarity * columnPolarity[c];
                if (direction == 0) continue;
                int coincidences = BitOperations.PopCount(train & columnTrains[c]);
                if (coincidences == 0) continue;
                PulseCell(tile, rowBase + c, direction * coincidences, strength, now);
                total += coincidences;
            }
        }
        return Finish(request.Id, total, w);
    }

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => System.Numerics.Tensors.TensorPrimitives.Dot(a, b);

    private static void Ensure(ref float[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new float[n];
    }

    private static AnalogChainDescription? DescribeChain(DevicePreset p)
    {
        if (p.Chain is not { } c) return null;
        var n = c.Neuron;
        return new AnalogChainDescription
        {
            Stages = c.Stages.Select(s => new ChainStage(
                new CrossbarWindow(s.Tile, s.Row0, s.Inputs + (s.BiasRow ? 1 : 0), s.Column0, 2 * s.Outputs),
                s.Source, s.Inputs, s.BiasRow, s.Outputs, s.Sink == "neurons" ? ChainSink.Neurons : ChainSink.Adc)).ToArray(),
            Neurons = new ChainNeuronDatasheet(ElectricCurrent.FromMicroamperes(n.InputFullScaleMicroamps),
                ElectricPotential.FromVolts(n.OutputFullScaleVolts), ElectricPotential.FromVolts(n.BiasVolts)),
            OutputAdc = new AdcSpec(c.OutputAdc.Bits, ElectricCurrent.FromMicroamperes(c.OutputAdc.FullScaleMicroamps)),
            Injection = c.Injection is { } i
                ? new ChainInjectionSpec(i.Bits, ElectricCurrent.FromMicroamperes(i.FullScaleMicroamps), ElectricCurrent.FromMicroamperes(i.NoiseRel * i.FullScaleMicroamps))
                : null,
            Taps = c.Taps is { } t ? new ChainTapSpec(t.Bits, ElectricPotential.FromVolts(t.FullScaleVolts)) : null,
            LatchedUpdates = c.LatchedUpdates,
        };
    }

    private static OperationCosts? DescribeCosts(DevicePreset p) => p.Costs is not { } c ? null : new OperationCosts
    {
        DacConversionJoules = c.DacConversionPicojoules * 1e-12,
        AdcConversionJoules = c.AdcConversionPicojoules * 1e-12,
        ChainAdcConversionJoules = c.ChainAdcConversionPicojoules * 1e-12,
        TapConversionJoules = c.TapConversionPicojoules * 1e-12,
        InjectionConversionJoules = c.InjectionConversionPicojoules * 1e-12,
        CellReadJoules = c.CellReadPicojoules * 1e-12,
        NeuronJoules = c.NeuronPicojoules * 1e-12,
        PulseJoules = c.PulsePicojoules * 1e-12,
        WindowReadSeconds = c.WindowReadSeconds,
        ChainStageSeconds = c.ChainStageSeconds,
        Source = c.Source,
    };
}

using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Chains;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// A layered network living on a board: the board holds the weights as conductance pairs; the host
/// holds the scales, biases, calibration and activations. Everything goes through <see cref="IDevice"/>.
/// Optional local readouts (one block-sparse layer per hidden layer, one group of outputs per group of
/// hidden units) give each hidden block its own objective for local-loss training.
/// </summary>
public sealed class MappedNetwork : IClassifier
{
    private float[] _volts = [];
    private float[] _amps = [];
    private float[] _layerScratch = [];
    private float[] _forwardA = [], _forwardB = [];

    public MappedNetwork(IDevice device, NetworkShape shape, IReadOnlyList<MappedLayer> layers, PulseCalibration pulse,
        IReadOnlyList<MappedLayer?>? localReadouts = null, int readoutGroups = 0, PulseIdSource? ids = null, ChainRouting? chain = null,
        BoardLedger? ledger = null)
    {
        if (layers.Count != shape.LayerCount) throw new ArgumentException("one mapped layer per weight layer is needed");
        int biasInputs = chain is null ? 0 : 1; // on a chain, every layer's last input is its on-board bias row
        for (int l = 0; l < layers.Count; l++)
            if (layers[l].Inputs != shape.Sizes[l] + biasInputs || layers[l].Outputs != shape.Sizes[l + 1])
                throw new ArgumentException($"layer {l} is {layers[l].Inputs}x{layers[l].Outputs}, shape says {shape.Sizes[l]}{(biasInputs > 0 ? "+1" : "")}x{shape.Sizes[l + 1]}");
        Chain = chain;
        Device = device;
        Description = device.Description;
        Shape = shape;
        Layers = layers;
        Pulse = pulse;
        LocalReadouts = localReadouts ?? [];
        ReadoutGroups = readoutGroups;
        Ids = ids ?? new PulseIdSource();
        // A mapper that worked on the board before the network existed (its first pulse probe) hands its ledger on.
        Ledger = ledger ?? new BoardLedger(Description);
    }

    public IDevice Device { get; }
    /// <summary>
    /// Set when the network lives on a board's analog chain: it is then read only through the chain (<see cref="Predict"/>),
    /// its hidden pre-activations cannot be seen, and each layer's last input is its bias row.
    /// </summary>
    public ChainRouting? Chain { get; }
    public DeviceDescription Description { get; }
    public NetworkShape Shape { get; }
    public IReadOnlyList<MappedLayer> Layers { get; }
    /// <summary>Per hidden layer l (index l, for l &lt; LayerCount−1): its local readout, or null; empty when the network has none.</summary>
    public IReadOnlyList<MappedLayer?> LocalReadouts { get; }
    /// <summary>Groups of hidden units per local readout (each group has its own ClassCount outputs).</summary>
    public int ReadoutGroups { get; }
    /// <summary>Measured pulse response used to turn weight changes into pulse counts.</summary>
    public PulseCalibration Pulse { get; set; }
    public PulseIdSource Ids { get; }
    public BoardLedger Ledger { get; }

    public int InputCount => Shape.Inputs;
    public int ClassCount => Shape.Outputs;
    /// <summary>Nominal conductance window width (Gmax − Gmin) from the board's description.</summary>
    public float SpanSiemens => Description.GMaxSiemens - Description.GMinSiemens;

    /// <summary>Every mapped layer, main layers first, then local readouts.</summary>
    public IEnumerable<MappedLayer> AllLayers => Layers.Concat(LocalReadouts.OfType<MappedLayer>());

    /// <summary>A pass through every layer, keeping what each layer saw and produced.</summary>
    public ForwardTrace Forward(ReadOnlySpan<float> inputs, int batch, ForwardTrace? reuse = null)
    {
        ThrowIfChain();
        var trace = reuse is { } r && r.Batch == batch ? r : new ForwardTrace(Layers, batch);
        inputs[..(batch * InputCount)].CopyTo(trace.Inputs[0]);
        for (int l = 0; l < Layers.Count; l++)
        {
            ReadLayer(Layers[l], trace.Inputs[l], batch, trace.Pre[l]);
            Activate(Layers[l].Activation, trace.Pre[l], trace.Post[l]);
            if (l + 1 < Layers.Count) trace.Post[l].AsSpan().CopyTo(trace.Inputs[l + 1]);
        }
        return trace;
    }

    /// <summary>Runs layers <paramref name="firstLayer"/>.. on <paramref name="layerInput"/> (the input of that layer) and writes the logits.</summary>
    public void ForwardFrom(int firstLayer, ReadOnlySpan<float> layerInput, int batch, Span<float> logits)
    {
        ThrowIfChain();
        ReadOnlySpan<float> x = layerInput;
        bool useA = true;
        for (int l = firstLayer; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            bool last = l == Layers.Count - 1;
            Span<float> z = last ? logits[..(batch * layer.Outputs)]
                : useA ? Rent(ref _forwardA, batch * layer.Outputs) : Rent(ref _forwardB, batch * layer.Outputs);
            ReadLayer(layer, x, batch, z);
            Activate(layer.Activation, z, z);
            x = z;
            useA = !useA;
        }
    }

    /// <inheritdoc />
    public void Predict(ReadOnlySpan<float> inputs, int batch, Span<float> logits)
    {
        if (Chain is { } chain) chain.Predict(this, inputs, batch, logits);
        else ForwardFrom(0, inputs, batch, logits);
    }

    private void ThrowIfChain()
    {
        if (Chain is not null)
            throw new InvalidOperationException("a network on an analog chain has no layer-by-layer reads: its hidden activity never leaves the board");
    }

    /// <summary>
    /// Reads one mapped layer for a batch: inputs scaled into the read-voltage range, every block read
    /// (in chunks of the board's maximum batch), offsets and gains removed, pair differences taken,
    /// partial sums of row-split blocks added, host bias added.
    /// </summary>
    public void ReadLayer(MappedLayer layer, ReadOnlySpan<float> x, int batch, Span<float> z) => ReadLayer(layer, x, batch, z, addBias: true);

    /// <summary>
    /// As <see cref="ReadLayer(MappedLayer, ReadOnlySpan{float}, int, Span{float})"/>; without the bias the result is the
    /// crossbar's own response W·x, e.g. to read the effect of a perturbation alone (a crossbar is linear in its inputs).
    /// </summary>
    public void ReadLayer(MappedLayer layer, ReadOnlySpan<float> x, int batch, Span<float> z, bool addBias)
    {
        if (x.Length < batch * layer.Inputs || z.Length < batch * layer.Outputs)
            throw new ArgumentException($"buffers too small for a batch of {batch} through {layer.Name}");
        z = z[..(batch * layer.Outputs)];
        z.Clear();
        int maxBatch = Description.Limits.MaxBatch;
        float fullScale = Description.Adc.FullScaleAmps * 0.999f;
        float invRange = 1f / layer.InputRange;
        foreach (var block in layer.Blocks)
        {
            var w = block.Window;
            float scale = layer.WeightScale * layer.InputRange / (SpanSiemens * block.ReadVolts);
            for (int start = 0; start < batch; start += maxBatch)
            {
                int n = Math.Min(maxBatch, batch - start);
                var volts = Rent(ref _volts, n * w.RowCount);
                var amps = Rent(ref _amps, n * w.ColumnCount);
                for (int b = 0; b < n; b++)
                {
                    var src = x.Slice((start + b) * layer.Inputs + block.InputStart, block.InputCount);
                    var dst = volts.Slice(b * w.RowCount, w.RowCount);
                    float v0 = block.ReadVolts;
                    if (block.Pairs == PairOrientation.Columns)
                        for (int i = 0; i < src.Length; i++) dst[i] = Math.Clamp(src[i] * invRange, -1f, 1f) * v0;
                    else
                        for (int i = 0; i < src.Length; i++)
                        {
                            float v = Math.Clamp(src[i] * invRange, -1f, 1f) * v0;
                            dst[2 * i] = v;
                            dst[2 * i + 1] = -v;
                        }
                }
                Device.Read(w, volts, amps);
                bool saturated = false;
                foreach (var a in amps) if (MathF.Abs(a) >= fullScale) { saturated = true; break; }
                Ledger.CountRead(n, saturated, w);
                var off = block.ColumnOffsetAmps;
                var gain = block.ColumnGain;
                for (int b = 0; b < n; b++)
                {
                    var row = amps.Slice(b * w.ColumnCount, w.ColumnCount);
                    var dst = z.Slice((start + b) * layer.Outputs + block.OutputStart, block.OutputCount);
                    if (block.Pairs == PairOrientation.Columns)
                        for (int j = 0; j < dst.Length; j++)
                            dst[j] += ((row[2 * j] - off[2 * j]) / gain[2 * j] - (row[2 * j + 1] - off[2 * j + 1]) / gain[2 * j + 1]) * scale;
                    else
                        for (int j = 0; j < dst.Length; j++)
                            dst[j] += (row[j] - off[j]) / gain[j] * scale;
                }
            }
        }
        Ledger.CountLayerPass(batch);
        if (!addBias) return;
        for (int b = 0; b < batch; b++)
        {
            var zb = z.Slice(b * layer.Outputs, layer.Outputs);
            for (int j = 0; j < zb.Length; j++) zb[j] += layer.Bias[j];
        }
    }

    /// <summary>Applies a host activation in place or into <paramref name="h"/>.</summary>
    public static void Activate(LayerActivation activation, ReadOnlySpan<float> z, Span<float> h)
    {
        switch (activation)
        {
            case LayerActivation.None:
                if (!z.Overlaps(h)) z.CopyTo(h);
                break;
            case LayerActivation.HostRelu:
                for (int i = 0; i < z.Length; i++) h[i] = MathF.Max(0f, z[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation));
        }
    }

    /// <summary>Derivative of the activation at pre-activation <paramref name="z"/> (1 or 0 for ReLU).</summary>
    public static float ActivationSlope(LayerActivation activation, float z) =>
        activation == LayerActivation.HostRelu ? (z > 0 ? 1f : 0f) : 1f;

    /// <summary>A scratch span of at least <paramref name="n"/> floats owned by the network.</summary>
    internal Span<float> Scratch(int n) => Rent(ref _layerScratch, n);

    private static Span<float> Rent(ref float[] buffer, int n)
    {
        if (buffer.Length < n) buffer = new float[Math.Max(n, buffer.Length * 2)];
        return buffer.AsSpan(0, n);
    }
}

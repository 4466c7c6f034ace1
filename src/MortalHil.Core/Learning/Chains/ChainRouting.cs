using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Chains;

/// <summary>
/// How a <see cref="MappedNetwork"/> sits on a board's analog chain: which stage holds which layer, and the one way
/// to read it (<see cref="IAnalogChainDevice.ReadChain"/>). The host sees the input it sends, the output ADC, the
/// monitor taps if the chain has them, and nothing else: no pre-activation, no neuron transfer function.
/// Layer l of the network is stage <see cref="PathStages"/>[l]; its inputs are the stage's rows, the last being the
/// bias row (host value <see cref="BiasInput"/>). The network's outputs are the chain's last stage.
/// </summary>
public sealed class ChainRouting
{
    private float[] _volts = [], _outputs = [];

    public ChainRouting(IAnalogChainDevice device)
    {
        Device = device;
        Chain = ChainGuards.Chain(device.Description);
        var path = new List<int>();
        for (int s = Chain.Stages.Count - 1; s >= 0; s = Chain.Stages[s].Source) path.Insert(0, s);
        PathStages = path.ToArray();
        if (Chain.Stages[PathStages[^1]].Sink != ChainSink.Adc) throw new DeviceLimitException("the chain's last stage is not digitised");
        if (!path.All(s => Chain.Stages[s].BiasRow)) throw new DeviceLimitException("every stage on the chain's path needs a bias row (hidden biases live on the board)");
        ReadoutStages = PathStages[..^1].Select(p => Enumerable.Range(0, Chain.Stages.Count)
            .FirstOrDefault(s => s != PathStages[^1] && Chain.Stages[s].Source == p && Chain.Stages[s].Sink == ChainSink.Adc && Chain.Stages[s].BiasRow, -1)).ToArray();
    }

    public IAnalogChainDevice Device { get; }
    public AnalogChainDescription Chain { get; }
    /// <summary>Stage of each network layer, from the one fed by the DACs to the last.</summary>
    public int[] PathStages { get; }
    /// <summary>Per hidden layer: an auxiliary ADC stage reading its neurons (a local readout), or -1.</summary>
    public int[] ReadoutStages { get; }

    /// <summary>The network's shape as the chain fixes it (bias rows not counted).</summary>
    public NetworkShape Shape => new([Chain.Stages[PathStages[0]].Inputs, .. PathStages.Select(s => Chain.Stages[s].Outputs)]);

    /// <summary>Host value of the bias input of a layer whose rows are driven at <paramref name="readVolts"/> full scale.</summary>
    public float BiasInput(float readVolts) => Chain.Neurons.BiasVolts / readVolts;

    /// <summary>
    /// Reads the chain for <paramref name="batch"/> inputs (host units, <c>batch x InputCount</c>), each repeated
    /// <paramref name="repeats"/> times with its own injection (empty: none), into <paramref name="outputs"/>
    /// (<c>batch·repeats x OutputCount</c> amperes) and <paramref name="taps"/> (empty: no tap conversions). Splits
    /// the batch to the board's limit; counts every read in the network's ledger.
    /// </summary>
    public void Read(MappedNetwork net, ReadOnlySpan<float> inputs, int batch, int repeats, ReadOnlySpan<float> injection, Span<float> outputs, Span<float> taps)
    {
        var first = net.Layers[0];
        var block = first.Blocks[0];
        int n = Chain.InputCount, outs = Chain.OutputCount, neurons = Chain.NeuronCount;
        float inv = 1f / first.InputRange, v0 = block.ReadVolts;
        int chunk = Math.Max(1, net.Description.Limits.MaxBatch / repeats);
        for (int start = 0; start < batch; start += chunk)
        {
            int m = Math.Min(chunk, batch - start), rows = m * repeats, row0 = start * repeats;
            if (_volts.Length < m * n) _volts = new float[m * n];
            var volts = _volts.AsSpan(0, m * n);
            var x = inputs.Slice(start * n, m * n);
            for (int i = 0; i < volts.Length; i++) volts[i] = Math.Clamp(x[i] * inv, -1f, 1f) * v0;
            Device.ReadChain(volts, repeats, injection.IsEmpty ? default : injection.Slice(row0 * neurons, rows * neurons),
                outputs.Slice(row0 * outs, rows * outs), taps.IsEmpty ? default : taps.Slice(row0 * neurons, rows * neurons));
            net.Ledger.CountChainRead(Chain, net.Description.Costs, m, repeats, !injection.IsEmpty, !taps.IsEmpty);
        }
    }

    /// <summary>Scores of <paramref name="layer"/> (held by ADC stage <paramref name="stage"/>) from the ADC outputs of <paramref name="rows"/> result rows, host bias added.</summary>
    public void Scores(MappedNetwork net, MappedLayer layer, int stage, ReadOnlySpan<float> outputs, int rows, Span<float> scores, bool addBias = true)
    {
        int outs = Chain.OutputCount, offset = Chain.OffsetOf(stage), k = layer.Outputs;
        float scale = layer.WeightScale * layer.InputRange / (net.SpanSiemens * layer.Blocks[0].ReadVolts);
        for (int r = 0; r < rows; r++)
        for (int j = 0; j < k; j++)
            scores[r * k + j] = outputs[r * outs + offset + j] * scale + (addBias ? layer.Bias[j] : 0f);
    }

    /// <summary>The network's logits for a batch (one clean chain read).</summary>
    public void Predict(MappedNetwork net, ReadOnlySpan<float> inputs, int batch, Span<float> logits)
    {
        int outs = Chain.OutputCount;
        if (_outputs.Length < batch * outs) _outputs = new float[batch * outs];
        Read(net, inputs, batch, 1, default, _outputs.AsSpan(0, batch * outs), default);
        Scores(net, net.Layers[^1], PathStages[^1], _outputs, batch, logits);
    }
}

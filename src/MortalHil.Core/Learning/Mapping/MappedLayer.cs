namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// One weight layer of a network, held by the board in one or more <see cref="LayerBlock"/>s.
/// Its effective weight is W[i, j] = <see cref="WeightScale"/> · (G+ − G−) / (Gmax − Gmin), with the
/// nominal window of the board's description; the bias stays on the host. A layer whose blocks do not
/// cover every (input, output) pair is block-sparse: e.g. local readouts, where group g's outputs see
/// only group g's inputs.
/// </summary>
public sealed class MappedLayer
{
    public MappedLayer(string name, int inputs, int outputs, LayerActivation activation, IReadOnlyList<LayerBlock> blocks,
        float weightScale, float inputRange)
    {
        if (blocks.Count == 0) throw new ArgumentException("a mapped layer needs at least one block");
        foreach (var b in blocks)
            if (b.InputStart < 0 || b.InputStart + b.InputCount > inputs || b.OutputStart < 0 || b.OutputStart + b.OutputCount > outputs)
                throw new ArgumentException($"block {b.Window} lies outside the {inputs}x{outputs} layer");
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Activation = activation;
        Blocks = blocks;
        WeightScale = weightScale;
        InputRange = inputRange;
        Bias = new float[outputs];
    }

    /// <summary>E.g. "layer1" or "readout1".</summary>
    public string Name { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    public LayerActivation Activation { get; }
    public IReadOnlyList<LayerBlock> Blocks { get; }
    /// <summary>Effective weight of a full-window conductance difference (digital gain after the ADC).</summary>
    public float WeightScale { get; }
    /// <summary>Host input value that maps to a block's full read voltage; inputs beyond ±InputRange are clipped.</summary>
    public float InputRange { get; set; }
    /// <summary>Host-side biases, one per output.</summary>
    public float[] Bias { get; }

    /// <summary>Number of weights the blocks hold (logical, not physical cells).</summary>
    public long WeightCount => Blocks.Sum(b => (long)b.InputCount * b.OutputCount);
}

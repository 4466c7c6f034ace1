using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Chains;

/// <summary>
/// Lays a network onto a board's analog chain. The chain fixes the shape (its stages); the host chooses only the
/// weights' scale and initial values, and programs them by program-and-verify through the slow conductance path.
/// Each layer's weight unit is the datasheet's: a hidden layer's weight w moves its neuron's input by w x (nominal
/// input full scale) per full-scale row, so perturbation estimates in those units need no model of the neuron.
/// </summary>
public static class ChainMapper
{
    /// <summary>Digital gain of the output and local-readout layers: a full-window pair on a full-scale row is one logit.</summary>
    public const float ScoreWeightScale = 1f;

    /// <summary>True when <paramref name="device"/> describes an analog chain it can be read through.</summary>
    public static bool HasChain(IDevice device) => device is IAnalogChainDevice && device.Description.AnalogChain is not null;

    /// <summary>
    /// Maps the chain's network onto <paramref name="device"/> with random initial weights (<paramref name="options"/>' fraction and
    /// seed), or with <paramref name="initialWeights"/> for the first layers (main layers, then local readouts) when given.
    /// </summary>
    public static MappedNetwork Map(IAnalogChainDevice device, MappingOptions options, TextWriter? log = null, IReadOnlyList<float[]>? initialWeights = null)
    {
        var routing = new ChainRouting(device);
        var d = device.Description;
        var chain = routing.Chain;
        var shape = routing.Shape;
        int classes = shape.Outputs;
        float span = d.GMaxSiemens - d.GMinSiemens;
        float dacVolts = MathF.Min(d.Dac.FullScaleVolts, d.Limits.MaxReadVolts);
        float neuronVolts = chain.Neurons.OutputFullScaleVolts;

        var layers = new List<MappedLayer>();
        for (int l = 0; l < routing.PathStages.Length; l++)
        {
            var st = chain.Stages[routing.PathStages[l]];
            bool last = l == routing.PathStages.Length - 1;
            float readVolts = st.Source < 0 ? dacVolts : neuronVolts;
            // Hidden: weight = ΔG · V_read / I_fs (input full scales per full-scale row); scores: logits per ADC unit.
            float scale = last ? ScoreWeightScale : span * readVolts / chain.Neurons.InputFullScaleAmps;
            var block = new LayerBlock(st.Window, PairOrientation.Columns, 0, st.Inputs + 1, 0, st.Outputs) { ReadVolts = readVolts };
            layers.Add(new MappedLayer($"stage{routing.PathStages[l]}", st.Inputs + 1, st.Outputs, last ? LayerActivation.None : LayerActivation.BoardNeurons,
                [block], scale, 1f));
        }
        var readouts = new List<MappedLayer?>();
        var readoutWindows = new List<CrossbarWindow>();
        int groups = 0;
        if (options.ReadoutGroups > 0)
            for (int l = 0; l < routing.PathStages.Length - 1; l++)
            {
                int s = routing.ReadoutStages[l];
                if (s < 0) { readouts.Add(null); continue; }
                var st = chain.Stages[s];
                int hidden = st.Inputs;
                int g = Math.Min(st.Outputs / classes, hidden);
                if (g < 1) { readouts.Add(null); continue; }
                groups = g;
                var blocks = new List<LayerBlock>();
                var w = st.Window;
                for (int k = 0; k < g; k++)
                {
                    int start = k * hidden / g, count = (k + 1) * hidden / g - start;
                    blocks.Add(new LayerBlock(new CrossbarWindow(w.Tile, w.Row0 + start, count, w.Column0 + 2 * k * classes, 2 * classes),
                        PairOrientation.Columns, start, count, k * classes, classes) { ReadVolts = neuronVolts });
                }
                // The bias row serves every group.
                blocks.Add(new LayerBlock(new CrossbarWindow(w.Tile, w.Row0 + hidden, 1, w.Column0, 2 * g * classes), PairOrientation.Columns,
                    hidden, 1, 0, g * classes) { ReadVolts = neuronVolts });
                readoutWindows.Add(w);
                readouts.Add(new MappedLayer($"readout{s}", hidden + 1, g * classes, LayerActivation.None, blocks, ScoreWeightScale, 1f));
            }

        var ids = new PulseIdSource();
        var first = layers[0].Blocks[0].Window;
        var probe = new CrossbarWindow(first.Tile, first.Row0, Math.Min(32, first.RowCount), first.Column0, Math.Min(32, first.ColumnCount));
        var ledger = new BoardLedger(device.Description); // the first probe's pulses count as programming pulses too
        var bootstrap = BoardCalibration.ProbePulseResponse(device, probe, ids, ledger, pulses: 8);
        var net = new MappedNetwork(device, shape, layers, bootstrap, readouts.Count > 0 ? readouts : null, groups, ids, routing, ledger);

        var programmer = WeightProgrammer.For(net);
        var rng = SeededRandom.For(options.Seed, "chain-mapping");
        // Readout windows first to the centre (no weight), so cells outside the groups' blocks hold nothing.
        foreach (var w in readoutWindows)
        {
            var centre = Enumerable.Repeat(0.5f * (d.GMinSiemens + d.GMaxSiemens), w.CellCount).ToArray();
            programmer.ProgramConductances(w, centre, options.InitialProgramming);
        }
        int index = 0;
        foreach (var layer in net.AllLayers)
        {
            float[] w;
            if (initialWeights is not null && index < initialWeights.Count) w = initialWeights[index];
            else
            {
                w = new float[layer.Inputs * layer.Outputs];
                float a = options.InitialWindowFraction * layer.WeightScale;
                for (int i = 0; i < (layer.Inputs - 1) * layer.Outputs; i++) w[i] = (2f * rng.NextFloat() - 1f) * a; // bias row starts at 0
            }
            var report = programmer.ProgramLayer(net, layer, w, options.InitialProgramming);
            log?.WriteLine($"  programmed {layer.Name}: {report.CellsWithinTolerance}/{report.Cells} cells within tolerance after {report.Iterations} rounds, {report.Pulses} pulses");
            index++;
        }
        net.Pulse = BoardCalibration.ProbePulseResponse(device, probe, ids, net.Ledger, pulses: 32);
        log?.WriteLine($"  pulse response: +{net.Pulse.UpSiemens * 1e6:0.####} uS up, -{net.Pulse.DownSiemens * 1e6:0.####} uS down per pulse");
        return net;
    }
}

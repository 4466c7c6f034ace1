using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>Not enough room on the board for the network asked for.</summary>
public sealed class BoardTooSmallException(string message) : ArgumentException(message);

/// <summary>
/// Lays a layered network onto a board through <see cref="IDevice"/> alone: allocates blocks (splitting
/// layers larger than a tile; partial sums are added on the host), measures the pulse response, programs
/// random initial weights around the window centre by program-and-verify, measures converter offsets and
/// column gains, and fits input and read-voltage ranges to a sample of real inputs.
/// </summary>
public static class NetworkMapper
{
    /// <summary>Maps <paramref name="shape"/> onto <paramref name="device"/>; <paramref name="sample"/> (rows of inputs) sets the ranges.</summary>
    public static MappedNetwork Map(IDevice device, NetworkShape shape, MappingOptions options, ReadOnlySpan<float> sample, int sampleCount,
        TextWriter? log = null)
    {
        var d = device.Description;
        var allocator = new TileAllocator(d);
        var rng = SeededRandom.For(options.Seed, "mapping");
        var layers = new List<MappedLayer>();
        for (int l = 0; l < shape.LayerCount; l++)
        {
            bool last = l == shape.LayerCount - 1;
            int fanIn = shape.Sizes[l], fanOut = shape.Sizes[l + 1];
            var blocks = AllocateDense(allocator, d, options.Pairs, fanIn, fanOut, $"layer {l + 1} ({fanIn}x{fanOut})", shape);
            layers.Add(new MappedLayer($"layer{l + 1}", fanIn, fanOut, last ? LayerActivation.None : LayerActivation.HostRelu, blocks,
                WeightScaleFor(fanIn, relu: !last, options.InitialWindowFraction), 1f));
        }
        var readouts = new List<MappedLayer?>();
        if (options.ReadoutGroups > 0)
            for (int l = 0; l < shape.LayerCount - 1; l++)
            {
                int hidden = shape.Sizes[l + 1];
                int groups = Math.Min(options.ReadoutGroups, hidden);
                var blocks = new List<LayerBlock>();
                for (int g = 0; g < groups; g++)
                {
                    int start = g * hidden / groups, count = (g + 1) * hidden / groups - start;
                    blocks.AddRange(AllocateDense(allocator, d, options.Pairs, count, shape.Outputs, $"local readout {l + 1} group {g}", shape, start, g * shape.Outputs));
                }
                readouts.Add(new MappedLayer($"readout{l + 1}", hidden, groups * shape.Outputs, LayerActivation.None, blocks,
                    WeightScaleFor(hidden / groups, relu: false, options.InitialWindowFraction), 1f));
            }

        // 1. A first estimate of the pulse response (cells as the board came), to start programming with.
        var ids = new PulseIdSource();
        var probe = ProbeWindow(layers[0].Blocks[0].Window);
        // Its pulses wear the board like any other: they go into the network's ledger (programming pulses).
        var ledger = new BoardLedger(device.Description);
        var bootstrap = BoardCalibration.ProbePulseResponse(device, probe, ids, ledger, pulses: 8);
        var net = new MappedNetwork(device, shape, layers, bootstrap, readouts.Count > 0 ? readouts : null,
            options.ReadoutGroups > 0 ? Math.Min(options.ReadoutGroups, shape.Sizes[1]) : 0, ids, ledger: ledger);

        // 2. Random initial weights, programmed by program-and-verify around the centre of the window.
        var programmer = WeightProgrammer.For(net);
        foreach (var layer in net.AllLayers)
        {
            var w = new float[layer.Inputs * layer.Outputs];
            float a = options.InitialWindowFraction * layer.WeightScale;
            for (int i = 0; i < w.Length; i++) w[i] = (2f * rng.NextFloat() - 1f) * a;
            var report = programmer.ProgramLayer(net, layer, w, options.InitialProgramming);
            log?.WriteLine($"  programmed {layer.Name}: {report.CellsWithinTolerance}/{report.Cells} cells within tolerance after {report.Iterations} rounds, {report.Pulses} pulses");
        }

        // 3. The pulse response where training will happen (cells now near mid-window).
        net.Pulse = BoardCalibration.ProbePulseResponse(device, probe, ids, net.Ledger, pulses: 32);
        log?.WriteLine($"  pulse response: +{net.Pulse.UpSiemens * 1e6:0.####} uS up, -{net.Pulse.DownSiemens * 1e6:0.####} uS down per pulse");

        // 4. Converter offsets and gains, then ranges from real inputs.
        BoardCalibration.MeasureOffsets(net);
        if (options.CalibrateGains) BoardCalibration.MeasureGains(net, rng);
        BoardCalibration.FitRanges(net, sample, sampleCount);
        return net;
    }

    /// <summary>
    /// Digital gain that makes a uniform ±<paramref name="windowFraction"/> conductance spread have He
    /// (ReLU layers) or LeCun (linear layers) initial variance: std = sqrt(2/fanIn) or sqrt(1/fanIn).
    /// </summary>
    public static float WeightScaleFor(int fanIn, bool relu, float windowFraction)
    {
        float std = MathF.Sqrt((relu ? 2f : 1f) / fanIn);
        return std / (windowFraction / MathF.Sqrt(3f));
    }

    /// <summary>Splits an inputs x outputs matrix into as few, as even blocks as the tile allows, and places them.</summary>
    private static List<LayerBlock> AllocateDense(TileAllocator allocator, DeviceDescription d, PairOrientation pairs, int inputs, int outputs,
        string what, NetworkShape shape, int inputOffset = 0, int outputOffset = 0)
    {
        var g = d.Geometry;
        int rowsPerInput = pairs == PairOrientation.Rows ? 2 : 1;
        int colsPerOutput = pairs == PairOrientation.Columns ? 2 : 1;
        int maxInputs = g.Rows / rowsPerInput, maxOutputs = g.Columns / colsPerOutput;
        if (maxInputs < 1 || maxOutputs < 1) throw new BoardTooSmallException($"a {g} tile cannot hold one {pairs}-pair weight");
        int rowChunks = (inputs + maxInputs - 1) / maxInputs, colChunks = (outputs + maxOutputs - 1) / maxOutputs;
        var blocks = new List<LayerBlock>();
        for (int rc = 0; rc < rowChunks; rc++)
        for (int cc = 0; cc < colChunks; cc++)
        {
            int i0 = rc * inputs / rowChunks, i1 = (rc + 1) * inputs / rowChunks;
            int o0 = cc * outputs / colChunks, o1 = (cc + 1) * outputs / colChunks;
            if (!allocator.TryAllocate((i1 - i0) * rowsPerInput, (o1 - o0) * colsPerOutput, out var window))
                throw new BoardTooSmallException(
                    $"network {shape} does not fit the board ({d.TileCount} tiles of {g}): no room left for {what}; " +
                    $"use a smaller network (e.g. --shape 196-128-10 with 14x14 inputs) or a larger board");
            blocks.Add(new LayerBlock(window, pairs, inputOffset + i0, i1 - i0, outputOffset + o0, o1 - o0));
        }
        return blocks;
    }

    /// <summary>Up to 32 x 32 cells: enough that write and read noise average out of the mean step.</summary>
    private static CrossbarWindow ProbeWindow(CrossbarWindow w) =>
        new(w.Tile, w.Row0, Math.Min(32, w.RowCount), w.Column0, Math.Min(32, w.ColumnCount));
}

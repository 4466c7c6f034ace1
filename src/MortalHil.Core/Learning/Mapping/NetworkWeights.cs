namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// Reads a mapped network's effective weights through <see cref="Devices.IDevice.MeasureConductances"/>:
/// W = WeightScale · (G+ − G−) / (Gmax − Gmin) per weight. Slow and noisy like any conductance measurement;
/// for characterisation, for comparing against a float reference, and for copying a board's state.
/// </summary>
public static class NetworkWeights
{
    /// <summary>Effective weights of every main layer (inputs x outputs, row-major; weights no block holds are 0).</summary>
    public static float[][] Measure(MappedNetwork net) => net.Layers.Select(l => MeasureLayer(net, l)).ToArray();

    /// <summary>Effective weights of one layer.</summary>
    public static float[] MeasureLayer(MappedNetwork net, MappedLayer layer)
    {
        var weights = new float[layer.Inputs * layer.Outputs];
        float scale = layer.WeightScale / net.SpanSiemens;
        foreach (var block in layer.Blocks)
        {
            var w = block.Window;
            var g = new float[w.CellCount];
            net.Device.MeasureConductances(w, g);
            net.Ledger.CountMeasure(w.CellCount);
            for (int i = 0; i < block.InputCount; i++)
            for (int j = 0; j < block.OutputCount; j++)
            {
                var (r, c, rm, cm) = block.CellsOf(i, j);
                weights[(block.InputStart + i) * layer.Outputs + block.OutputStart + j] =
                    scale * (g[r * w.ColumnCount + c] - g[rm * w.ColumnCount + cm]);
            }
        }
        return weights;
    }
}

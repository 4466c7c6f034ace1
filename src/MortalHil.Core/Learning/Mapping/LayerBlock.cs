using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// The part of a layer held by one crossbar window: inputs [InputStart, InputStart+InputCount) and
/// outputs [OutputStart, OutputStart+OutputCount). Layers larger than a tile are split into several
/// blocks; the host adds the partial sums of blocks that share outputs.
/// </summary>
public sealed class LayerBlock
{
    public LayerBlock(CrossbarWindow window, PairOrientation pairs, int inputStart, int inputCount, int outputStart, int outputCount)
    {
        int rows = pairs == PairOrientation.Rows ? 2 * inputCount : inputCount;
        int cols = pairs == PairOrientation.Columns ? 2 * outputCount : outputCount;
        if (window.RowCount != rows || window.ColumnCount != cols)
            throw new ArgumentException($"window {window} does not fit {inputCount} inputs x {outputCount} outputs as {pairs} pairs");
        Window = window;
        Pairs = pairs;
        InputStart = inputStart;
        InputCount = inputCount;
        OutputStart = outputStart;
        OutputCount = outputCount;
        ColumnOffsetAmps = new float[cols];
        ColumnGain = Enumerable.Repeat(1f, cols).ToArray();
    }

    public CrossbarWindow Window { get; }
    public PairOrientation Pairs { get; }
    public int InputStart { get; }
    public int InputCount { get; }
    public int OutputStart { get; }
    public int OutputCount { get; }

    /// <summary>Row voltage that represents a (normalised) input of 1.0; chosen by calibration so columns stay inside the ADC range.</summary>
    public float ReadVolts { get; set; }
    /// <summary>Measured output of each physical column with all inputs at 0 V (converter offset), subtracted from every read.</summary>
    public float[] ColumnOffsetAmps { get; }
    /// <summary>Measured read-path gain of each physical column relative to its measured conductances (1 = nominal).</summary>
    public float[] ColumnGain { get; }

    /// <summary>Physical (row, column) of the G+ and G− cells of logical weight (input i, output j), both relative to the window.</summary>
    public (int Row, int Col, int RowMinus, int ColMinus) CellsOf(int i, int j) => Pairs == PairOrientation.Columns
        ? (i, 2 * j, i, 2 * j + 1)
        : (2 * i, j, 2 * i + 1, j);
}

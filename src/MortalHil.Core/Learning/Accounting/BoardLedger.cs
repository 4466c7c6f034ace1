using System.Numerics;
using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Accounting;

/// <summary>
/// Everything the host asked of one board through a mapped network: reads and pulses, with a per-cell
/// count of every pulse the host sent (computed from the exact counts and trains it sent, not from the
/// board), so wear can be accounted for even on boards that do not report it per cell.
/// </summary>
public sealed class BoardLedger
{
    private readonly TileGeometry _geometry;
    private readonly int[][] _cellPulses;

    public BoardLedger(DeviceDescription description)
    {
        _geometry = description.Geometry;
        _cellPulses = new int[description.TileCount][];
    }

    /// <summary>Calls of <see cref="IDevice.Read"/>.</summary>
    public long ReadCalls { get; private set; }
    /// <summary>Input vectors sent to crossbar windows (one vector into one window counts one).</summary>
    public long WindowVectorReads { get; private set; }
    /// <summary>Input vectors pushed through a whole mapped layer (all its blocks).</summary>
    public long LayerVectorReads { get; private set; }
    /// <summary>Reads whose output hit the ADC full scale in at least one column.</summary>
    public long SaturatedVectorReads { get; private set; }
    /// <summary>Pulse requests sent (cell and outer-product).</summary>
    public long PulseRequests { get; private set; }
    /// <summary>Pulses delivered, as the board's receipts report them.</summary>
    public long PulsesApplied { get; private set; }
    /// <summary>Conductance measurements (calls of <see cref="IDevice.MeasureConductances"/>), in cells measured.</summary>
    public long CellsMeasured { get; private set; }

    /// <summary>
    /// Assumed time of one analog matrix-vector read including conversion (1 us; IBM's HERMES core reports a
    /// 256x256 MVM in about 130 ns plus ADC time, Le Gallo et al., Nat. Electron. 2023).
    /// </summary>
    public const double ReadSecondsPerVector = 1e-6;
    /// <summary>Assumed time to measure one cell's conductance through a single-cell read path (10 us).</summary>
    public const double MeasureSecondsPerCell = 10e-6;

    /// <summary>
    /// Estimated time the board was busy with what the host asked: reads, measurements and pulses (per-cell
    /// requests are programmed one row at a time, each row as long as its largest count; outer products take
    /// their slots). Boards keep their own clocks; this is the host's account.
    /// </summary>
    public double BusySeconds { get; private set; }

    /// <summary>Conversions, cell reads and neuron evaluations the host asked for (for the energy ledger).</summary>
    public OperationCounts Operations { get; private set; }

    internal void CountRead(int vectors, bool saturated, CrossbarWindow window)
    {
        BusySeconds += vectors * ReadSecondsPerVector;
        ReadCalls++;
        WindowVectorReads += vectors;
        if (saturated) SaturatedVectorReads += vectors;
        Operations += new OperationCounts
        {
            DacConversions = (long)vectors * window.RowCount,
            AdcConversions = (long)vectors * window.ColumnCount,
            CellReads = (long)vectors * window.CellCount,
        };
    }

    /// <summary>
    /// Records one chain read of <paramref name="inputs"/> input vectors, each held for <paramref name="repeats"/>
    /// repeats: the DACs convert once per input, everything after them once per result row. Board time: each result
    /// row settles through the chain's depth (<see cref="ChainDepth"/>) in stages and is converted once (<see cref="ReadSecondsPerVector"/>).
    /// </summary>
    public void CountChainRead(AnalogChainDescription chain, OperationCosts? costs, int inputs, int repeats, bool injected, bool tapped)
    {
        long rows = (long)inputs * repeats;
        int depth = ChainDepth(chain);
        double stage = costs?.ChainStageSeconds ?? 0;
        double convert = costs?.WindowReadSeconds ?? ReadSecondsPerVector;
        BusySeconds += rows * (convert + (depth - 1) * stage);
        ReadCalls++;
        ChainRows += rows;
        long cells = chain.Stages.Sum(s => (long)s.Window.CellCount);
        int dacRows = chain.Stages.Where(s => s.Source < 0).Sum(s => s.Inputs);
        Operations += new OperationCounts
        {
            DacConversions = inputs * (long)dacRows,
            ChainAdcConversions = rows * chain.OutputCount,
            TapConversions = tapped ? rows * chain.NeuronCount : 0,
            InjectionConversions = injected ? rows * chain.NeuronCount : 0,
            CellReads = rows * cells,
            NeuronEvaluations = rows * chain.NeuronCount,
        };
    }

    /// <summary>Result rows of chain reads.</summary>
    public long ChainRows { get; private set; }

    /// <summary>Stages from the DACs to the last stage, following each stage's source.</summary>
    public static int ChainDepth(AnalogChainDescription chain)
    {
        int depth = 0;
        for (int s = chain.Stages.Count - 1; s >= 0; s = chain.Stages[s].Source) depth++;
        return depth;
    }

    internal void CountLayerPass(int vectors) => LayerVectorReads += vectors;
    internal void CountMeasure(int cells)
    {
        CellsMeasured += cells;
        BusySeconds += cells * MeasureSecondsPerCell;
    }

    /// <summary>Records a per-cell request and its receipt.</summary>
    public void RecordCellPulses(in PulseRequest request, CrossbarWindow w, ReadOnlySpan<short> counts, PulseReceipt receipt)
    {
        PulseRequests++;
        if (receipt.Duplicate) return;
        PulsesApplied += receipt.PulsesApplied;
        var cells = Cells(w.Tile);
        for (int r = 0; r < w.RowCount; r++)
        {
            int baseIndex = (w.Row0 + r) * _geometry.Columns + w.Column0;
            var row = counts.Slice(r * w.ColumnCount, w.ColumnCount);
            int longest = 0;
            for (int c = 0; c < row.Length; c++)
                if (row[c] != 0)
                {
                    int n = Math.Abs(row[c]);
                    cells[baseIndex + c] += n;
                    if (n > longest) longest = n;
                }
            BusySeconds += longest * (double)request.WidthSeconds;
        }
    }

    /// <summary>Records an outer-product request: cell (i, j) received popcount(row_i AND column_j) pulses (if both polarities are non-zero).</summary>
    public void RecordOuterProduct(in PulseRequest request, CrossbarWindow w, in OuterProductTrains trains, PulseReceipt receipt)
    {
        PulseRequests++;
        if (receipt.Duplicate) return;
        PulsesApplied += receipt.PulsesApplied;
        BusySeconds += trains.Slots * (double)request.WidthSeconds;
        var cells = Cells(w.Tile);
        var colList = new List<int>(w.ColumnCount);
        for (int c = 0; c < w.ColumnCount; c++)
            if (trains.ColumnTrains[c] != 0 && trains.ColumnPolarity[c] != 0) colList.Add(c);
        if (colList.Count == 0) return;
        for (int r = 0; r < w.RowCount; r++)
        {
            ulong rt = trains.RowTrains[r];
            if (rt == 0 || trains.RowPolarity[r] == 0) continue;
            int baseIndex = (w.Row0 + r) * _geometry.Columns + w.Column0;
            foreach (var c in colList)
                cells[baseIndex + c] += BitOperations.PopCount(rt & trains.ColumnTrains[c]);
        }
    }

    /// <summary>Records a rank-1 update from latched activity (its row trains are the board's, so per-cell counts are unknown to the host).</summary>
    public void RecordLatched(in PulseRequest request, int slots, PulseReceipt receipt)
    {
        PulseRequests++;
        if (receipt.Duplicate) return;
        PulsesApplied += receipt.PulsesApplied;
        BusySeconds += slots * (double)request.WidthSeconds;
    }

    /// <summary>Most pulses the host has sent to any single cell.</summary>
    public long MaxPulsesPerCell
    {
        get
        {
            long max = 0;
            foreach (var t in _cellPulses)
                if (t is not null) foreach (var v in t) if (v > max) max = v;
            return max;
        }
    }

    /// <summary>Pulses the host has sent to cell (row, column) of <paramref name="tile"/>.</summary>
    public int PulsesOfCell(int tile, int row, int column) =>
        _cellPulses[tile] is { } t ? t[row * _geometry.Columns + column] : 0;

    /// <summary>The counters as they are now (for deltas around a piece of work).</summary>
    public LedgerSnapshot Snapshot() => new(ReadCalls, WindowVectorReads, LayerVectorReads, SaturatedVectorReads, PulseRequests, PulsesApplied, CellsMeasured, BusySeconds)
    {
        Operations = Operations,
        ChainRows = ChainRows,
    };

    private int[] Cells(int tile) => _cellPulses[tile] ??= new int[_geometry.Cells];
}

/// <summary>The ledger's counters at one moment; subtract two for the work in between.</summary>
public readonly record struct LedgerSnapshot(long ReadCalls, long WindowVectorReads, long LayerVectorReads, long SaturatedVectorReads,
    long PulseRequests, long PulsesApplied, long CellsMeasured, double BusySeconds)
{
    /// <summary>Conversions, cell reads and neuron evaluations.</summary>
    public OperationCounts Operations { get; init; }
    /// <summary>Result rows of chain reads.</summary>
    public long ChainRows { get; init; }

    public static LedgerSnapshot operator -(LedgerSnapshot a, LedgerSnapshot b) => new(
        a.ReadCalls - b.ReadCalls, a.WindowVectorReads - b.WindowVectorReads, a.LayerVectorReads - b.LayerVectorReads,
        a.SaturatedVectorReads - b.SaturatedVectorReads, a.PulseRequests - b.PulseRequests, a.PulsesApplied - b.PulsesApplied,
        a.CellsMeasured - b.CellsMeasured, a.BusySeconds - b.BusySeconds)
    { Operations = a.Operations - b.Operations, ChainRows = a.ChainRows - b.ChainRows };

    public static LedgerSnapshot operator +(LedgerSnapshot a, LedgerSnapshot b) => new(
        a.ReadCalls + b.ReadCalls, a.WindowVectorReads + b.WindowVectorReads, a.LayerVectorReads + b.LayerVectorReads,
        a.SaturatedVectorReads + b.SaturatedVectorReads, a.PulseRequests + b.PulseRequests, a.PulsesApplied + b.PulsesApplied,
        a.CellsMeasured + b.CellsMeasured, a.BusySeconds + b.BusySeconds)
    { Operations = a.Operations + b.Operations, ChainRows = a.ChainRows + b.ChainRows };

    /// <summary>The energy of this work at <paramref name="costs"/> (pulses from <see cref="PulsesApplied"/>).</summary>
    public EnergyBreakdown Energy(OperationCosts costs) => EnergyBreakdown.Of(Operations, PulsesApplied, costs);
}

using System.Runtime.Intrinsics;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Keeps a tile's effective conductances, Visible x IrFactor x ColumnGain, up to date as its visible
/// conductances change, and numbers each change (<see cref="Version"/>) so packed copies know when they are stale.
/// </summary>
/// <remarks>
/// The IR-drop factor is <see cref="IrDropModel"/>'s first-order model, computed with the same double-precision
/// operations in the same order, so the factors are bit for bit those of <see cref="IrDropModel.Compute"/> (a test
/// checks). What makes it fast: the row term of cell (i, j) depends only on row i's conductances and the column term
/// only on column j's, so both are kept per cell and a pulse to a window recomputes just the rows and columns it
/// touched, instead of the whole tile; and the column pass runs row by row (4 columns per vector), not down
/// strided columns.
/// </remarks>
internal sealed class EffectiveConductances
{
    private readonly TileCells _t;
    private readonly bool _irDrop;
    private readonly double _segmentOhms;
    private double[] _rowTerm = [], _columnTerm = [];

    public EffectiveConductances(TileCells tile, IrDropSpec irDrop)
    {
        _t = tile;
        _irDrop = irDrop.Enabled;
        _segmentOhms = irDrop.SegmentOhms;
    }

    /// <summary>Changes every time the effective conductances may have changed.</summary>
    public long Version { get; private set; }

    /// <summary>After the visible conductance of every cell may have changed.</summary>
    public void RefreshAll()
    {
        Version++;
        if (_irDrop)
        {
            int n = _t.Count;
            if (_rowTerm.Length != n) { _rowTerm = new double[n]; _columnTerm = new double[n]; }
            RowTerms(0, _t.Rows);
            ColumnTerms(0, _t.Columns);
            Factors(0, _t.Rows, 0, _t.Columns);
        }
        else IrDropModel.SetNone(_t);
        Products(0, _t.Rows, 0, _t.Columns);
    }

    /// <summary>After the visible conductances inside the window (and nowhere else) may have changed.</summary>
    public void RefreshWindow(int row0, int rows, int col0, int cols)
    {
        if (!_irDrop || _rowTerm.Length != _t.Count)
        {
            if (_irDrop) { RefreshAll(); return; }
            Version++;
            Products(row0, row0 + rows, col0, col0 + cols);
            return;
        }
        Version++;
        RowTerms(row0, row0 + rows);
        ColumnTerms(col0, col0 + cols);
        // Changed: the window's rows (every column) and the window's columns (every row).
        Factors(row0, row0 + rows, 0, _t.Columns);
        Products(row0, row0 + rows, 0, _t.Columns);
        if (row0 > 0) { Factors(0, row0, col0, col0 + cols); Products(0, row0, col0, col0 + cols); }
        if (row0 + rows < _t.Rows) { Factors(row0 + rows, _t.Rows, col0, col0 + cols); Products(row0 + rows, _t.Rows, col0, col0 + cols); }
    }

    /// <summary>
    /// S_row(i, j) = sum_{k &lt;= j} sum_{j' &gt;= k} G(i, j') for rows [r0, r1): a suffix sum then a prefix sum along
    /// each row, four rows at a time so four dependency chains overlap.
    /// </summary>
    private unsafe void RowTerms(int r0, int r1)
    {
        int cols = _t.Columns;
        fixed (float* visible = _t.Visible)
        fixed (double* rowTerm = _rowTerm)
        {
            int i = r0;
            for (; i + 4 <= r1; i += 4)
            {
                float* g0 = visible + (long)i * cols, g1 = g0 + cols, g2 = g1 + cols, g3 = g2 + cols;
                double* t0 = rowTerm + (long)i * cols, t1 = t0 + cols, t2 = t1 + cols, t3 = t2 + cols;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int j = cols - 1; j >= 0; j--)
                {
                    s0 += g0[j]; t0[j] = s0;
                    s1 += g1[j]; t1[j] = s1;
                    s2 += g2[j]; t2[j] = s2;
                    s3 += g3[j]; t3[j] = s3;
                }
                double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
                for (int j = 0; j < cols; j++)
                {
                    a0 += t0[j]; t0[j] = a0;
                    a1 += t1[j]; t1[j] = a1;
                    a2 += t2[j]; t2[j] = a2;
                    a3 += t3[j]; t3[j] = a3;
                }
            }
            for (; i < r1; i++)
            {
                float* g = visible + (long)i * cols;
                double* t = rowTerm + (long)i * cols;
                double suffix = 0;
                for (int j = cols - 1; j >= 0; j--) { suffix += g[j]; t[j] = suffix; }
                double acc = 0;
                for (int j = 0; j < cols; j++) { acc += t[j]; t[j] = acc; }
            }
        }
    }

    /// <summary>
    /// S_col(i, j) = sum_{k &gt;= i} sum_{i' &lt;= k} G(i', j) for columns [c0, c1): a prefix sum down each column,
    /// then a suffix sum up it, both walking the rows in memory order with one accumulator per column.
    /// </summary>
    private unsafe void ColumnTerms(int c0, int c1)
    {
        int rows = _t.Rows, cols = _t.Columns, width = c1 - c0;
        var accumulators = width <= 1024 ? stackalloc double[width] : new double[width];
        fixed (float* visible = _t.Visible)
        fixed (double* columnTerm = _columnTerm, acc = accumulators)
        {
            new Span<double>(acc, width).Clear();
            for (int i = 0; i < rows; i++)
            {
                float* g = visible + (long)i * cols + c0;
                double* t = columnTerm + (long)i * cols + c0;
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; j + 4 <= width; j += 4)
                    {
                        var p = Vector256.Load(acc + j) + Vector256.WidenLower(Vector128.Load(g + j).ToVector256Unsafe());
                        p.Store(acc + j);
                        p.Store(t + j);
                    }
                for (; j < width; j++) { acc[j] += g[j]; t[j] = acc[j]; }
            }
            new Span<double>(acc, width).Clear();
            for (int i = rows - 1; i >= 0; i--)
            {
                double* t = columnTerm + (long)i * cols + c0;
                int j = 0;
                if (Vector256.IsHardwareAccelerated)
                    for (; j + 4 <= width; j += 4)
                    {
                        var s = Vector256.Load(acc + j) + Vector256.Load(t + j);
                        s.Store(acc + j);
                        s.Store(t + j);
                    }
                for (; j < width; j++) { acc[j] += t[j]; t[j] = acc[j]; }
            }
        }
    }

    /// <summary>IrFactor = 1 / (1 + r (S_row + S_col)) over a block of cells.</summary>
    private unsafe void Factors(int r0, int r1, int c0, int c1)
    {
        int cols = _t.Columns;
        double r = _segmentOhms;
        var one = Vector256.Create(1.0);
        var ohms = Vector256.Create(r);
        fixed (float* factor = _t.IrFactor)
        fixed (double* rowTerm = _rowTerm, columnTerm = _columnTerm)
        {
            for (int i = r0; i < r1; i++)
            {
                long n = (long)i * cols + c0, end = (long)i * cols + c1;
                if (Vector256.IsHardwareAccelerated)
                    for (; n + 8 <= end; n += 8)
                    {
                        var lo = one / (one + ohms * (Vector256.Load(rowTerm + n) + Vector256.Load(columnTerm + n)));
                        var hi = one / (one + ohms * (Vector256.Load(rowTerm + n + 4) + Vector256.Load(columnTerm + n + 4)));
                        Vector256.Narrow(lo, hi).Store(factor + n);
                    }
                for (; n < end; n++) factor[n] = (float)(1.0 / (1.0 + r * (rowTerm[n] + columnTerm[n])));
            }
        }
    }

    /// <summary>Effective = Visible x IrFactor x ColumnGain over a block of cells.</summary>
    private unsafe void Products(int r0, int r1, int c0, int c1)
    {
        int cols = _t.Columns;
        fixed (float* visible = _t.Visible, factor = _t.IrFactor, gain = _t.ColumnGain, effective = _t.Effective)
        {
            for (int i = r0; i < r1; i++)
            {
                long b = (long)i * cols;
                int c = c0;
                if (Vector256.IsHardwareAccelerated)
                    for (; c + 8 <= c1; c += 8)
                        (Vector256.Load(visible + b + c) * Vector256.Load(factor + b + c) * Vector256.Load(gain + c)).Store(effective + b + c);
                for (; c < c1; c++) effective[b + c] = visible[b + c] * factor[b + c] * gain[c];
            }
        }
    }
}

namespace MortalHil.Sim.Physics;

/// <summary>
/// First-order IR drop on the row and column wires of a tile, folded into a per-cell attenuation.
/// </summary>
/// <remarks>
/// Rows are driven from column 0; columns are sensed (virtual ground) after the last row. With wire
/// resistance r per cell pitch, to first order in r the voltage across cell (i, j) for row drive V_i is
///   V_i (1 - r S_row(i, j) - r S_col(i, j)),
///   S_row(i, j) = sum_{k &lt;= j} sum_{j' &gt;= k} G(i, j')   (exact to first order: a row carries one voltage),
///   S_col(i, j) = sum_{k &gt;= i} sum_{i' &lt;= k} G(i', j)   (evaluated as if every row carried the same voltage).
/// The attenuation is written 1 / (1 + r (S_row + S_col)) so it stays positive where first order breaks down.
/// It ignores which rows a read actually drives: a fully static, input-independent approximation.
/// </remarks>
internal static class IrDropModel
{
    public static void Compute(TileCells t, double segmentOhms)
    {
        int rows = t.Rows, cols = t.Columns;
        var g = t.Visible;
        var sum = new double[rows * cols];
        // Row wires.
        for (int i = 0; i < rows; i++)
        {
            int b = i * cols;
            double suffix = 0;
            for (int j = cols - 1; j >= 0; j--) { suffix += g[b + j]; sum[b + j] = suffix; } // current in segment before cell j
            double acc = 0;
            for (int j = 0; j < cols; j++) { acc += sum[b + j]; sum[b + j] = acc; }
        }
        // Column wires.
        var prefix = new double[rows];
        for (int j = 0; j < cols; j++)
        {
            double p = 0;
            for (int i = 0; i < rows; i++) { p += g[i * cols + j]; prefix[i] = p; } // current in segment below row i
            double acc = 0;
            for (int i = rows - 1; i >= 0; i--)
            {
                acc += prefix[i];
                int n = i * cols + j;
                t.IrFactor[n] = (float)(1.0 / (1.0 + segmentOhms * (sum[n] + acc)));
            }
        }
    }

    public static void SetNone(TileCells t) => Array.Fill(t.IrFactor, 1f);
}

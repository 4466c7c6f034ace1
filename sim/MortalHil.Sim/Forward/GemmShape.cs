using System.Runtime.CompilerServices;

namespace MortalHil.Sim.Forward;

/// <summary>
/// The blocking of one product Y (batch x n) = X (batch x k) * W (k x n) and the layout of its packed operands.
/// </summary>
/// <remarks>
/// k is cut into <see cref="KBlocks"/> nearly equal blocks of at most <see cref="MaxKBlock"/>, so one weight
/// micro-panel (kc x nr) plus one input micro-panel (kc x 6) fit in a 32 KiB L1 together (kc 262, nr 16: 23 KiB).
/// Packed X holds, for each k block, every Mr-row micro-panel of inputs as kc consecutive groups of Mr values;
/// packed W holds, for each k block, every nr-column micro-panel as kc consecutive rows of nr values. Rows past
/// the batch and columns past n are zero, so edge tiles run the same register kernel as the rest.
/// The k blocking only decides where partial sums pass through memory, which is exact in float32, so the
/// result never depends on it: every output is the fused multiply-add chain over p = 0..k-1 in order.
/// </remarks>
internal readonly struct GemmShape
{
    /// <summary>Batch rows per register tile.</summary>
    public const int Mr = 6;

    /// <summary>Longest k block.</summary>
    public const int MaxKBlock = 320;

    public readonly int Batch, K, N, Nr;
    public readonly int RowPanels, ColumnPanels, KBlocks, KBlockLength;

    /// <summary>Width of the last weight micro-panel: <see cref="Nr"/>, or half of it when that covers the columns left.</summary>
    public readonly int TailWidth;

    /// <param name="batch">Rows of X and Y.</param>
    /// <param name="k">Columns of X, rows of W.</param>
    /// <param name="n">Columns of W and Y.</param>
    /// <param name="nr">Columns per register tile.</param>
    /// <param name="halfTail">Whether a kernel half as wide exists for a narrow last panel (it saves padding work on narrow windows).</param>
    public GemmShape(int batch, int k, int n, int nr, bool halfTail = false)
    {
        if (batch < 1 || k < 1 || n < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"empty product {batch} x {k} x {n}");
        Batch = batch; K = k; N = n; Nr = nr;
        RowPanels = (batch + Mr - 1) / Mr;
        ColumnPanels = (n + nr - 1) / nr;
        int left = n - (ColumnPanels - 1) * nr;
        TailWidth = halfTail && left <= nr / 2 ? nr / 2 : nr;
        KBlocks = (k + MaxKBlock - 1) / MaxKBlock;
        KBlockLength = (k + KBlocks - 1) / KBlocks;
    }

    /// <summary>Batch rounded up to whole micro-panels.</summary>
    public int PaddedBatch => RowPanels * Mr;

    /// <summary>Columns rounded up to whole micro-panels.</summary>
    public int PaddedN => (ColumnPanels - 1) * Nr + TailWidth;

    /// <summary>Width of weight micro-panel <paramref name="jp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int PanelWidth(int jp) => jp == ColumnPanels - 1 ? TailWidth : Nr;

    /// <summary>Floats in packed X.</summary>
    public int PackedXLength => PaddedBatch * K;

    /// <summary>Floats in packed W.</summary>
    public int PackedWLength => PaddedN * K;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int KStart(int kb) => kb * KBlockLength;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int KLength(int kb) => Math.Min(KBlockLength, K - kb * KBlockLength);

    /// <summary>Offset of input micro-panel <paramref name="ip"/> of k block <paramref name="kb"/> in packed X.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long XOffset(int kb, int ip) => (long)KStart(kb) * PaddedBatch + (long)ip * Mr * KLength(kb);

    /// <summary>Offset of weight micro-panel <paramref name="jp"/> of k block <paramref name="kb"/> in packed W (only the last panel may be narrower).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long WOffset(int kb, int jp) => (long)KStart(kb) * PaddedN + (long)jp * Nr * KLength(kb);

    /// <summary>Multiply-adds in the product.</summary>
    public long MultiplyAdds => (long)Batch * K * N;
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Y (batch x n) = X (batch x k) * W (k x n): the summing of column currents, blocked as in Goto &amp; van de
/// Geijn, "Anatomy of high-performance matrix multiplication" (ACM TOMS 34(3), 2008). Both operands are packed
/// (<see cref="OperandPacking"/>); for each k block the packed inputs of a block of batch rows stay in L2 while
/// the worker walks its own contiguous range of weight micro-panels, each of which stays in L1 while every input
/// micro-panel streams past it. Each output is one fused multiply-add chain over k in order, computed by exactly
/// one worker, so results are bit-identical whatever the number of threads or the kernel.
/// </summary>
internal static unsafe class AnalogMatMul
{
    /// <summary>Packed inputs kept in L2 per k block (Zen 3 and most current cores have 512 KiB or more per core).</summary>
    private const int InputBlockBytes = 256 * 1024;

    /// <summary>Which register kernel to use; tests force each one.</summary>
    public enum Kernel { Auto, Vector256, Vector512, Vector128, Scalar }

    /// <summary>Something done to each finished register tile (Mr x width, row stride ldt) before it is stored.</summary>
    public interface ITileEpilogue
    {
        /// <summary>Transforms the tile whose top-left output is (batch row <paramref name="b0"/>, column <paramref name="j0"/>).</summary>
        void Apply(float* tile, int ldt, int b0, int j0, int width);
    }

    /// <summary>Plain product.</summary>
    public readonly struct NoEpilogue : ITileEpilogue
    {
        public void Apply(float* tile, int ldt, int b0, int j0, int width) { }
    }

    /// <summary>
    /// The inputs: packed micro-panels (<see cref="OperandPacking.PackInputs"/>), or row-major rows in place with
    /// row stride <see cref="Stride"/> and at least <see cref="GemmShape.PaddedBatch"/> rows (the padding rows zero).
    /// </summary>
    public readonly struct Inputs
    {
        public readonly float* Data;
        public readonly bool Packed;
        public readonly int Stride;

        private Inputs(float* data, bool packed, int stride) { Data = data; Packed = packed; Stride = stride; }

        public static Inputs PackedPanels(float* data) => new(data, true, 0);
        public static Inputs RowMajor(float* data, int stride) => new(data, false, stride);
    }

    /// <summary>
    /// Whether packing the inputs pays: each input is reused once per weight micro-panel, and in place the
    /// kernel reads six row streams instead of one; packing costs a pass over the inputs.
    /// </summary>
    public static bool PackingInputsPays(in GemmShape s) => s.ColumnPanels >= PackInputsFromColumnPanels;

    /// <summary>Threshold of <see cref="PackingInputsPays"/>.</summary>
    internal static int PackInputsFromColumnPanels = 8;

    /// <summary>A worker's share: input micro-panels [IpFrom, IpTo) x weight micro-panels [JpFrom, JpTo).</summary>
    public readonly record struct WorkRange(int IpFrom, int IpTo, int JpFrom, int JpTo)
    {
        public bool IsEmpty => IpFrom >= IpTo || JpFrom >= JpTo;
    }

    /// <summary>The fastest kernel this machine runs in hardware.</summary>
    public static Kernel Resolve(Kernel kernel)
    {
        if (kernel != Kernel.Auto) return kernel;
        if (Vector512.IsHardwareAccelerated) return Kernel.Vector512;
        if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported) return Kernel.Vector256;
        if (Vector128.IsHardwareAccelerated && (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported || System.Runtime.Intrinsics.X86.Fma.IsSupported))
            return Kernel.Vector128;
        return Kernel.Scalar;
    }

    /// <summary>Columns per register tile of <paramref name="kernel"/>.</summary>
    public static int Width(Kernel kernel) => Resolve(kernel) switch
    {
        Kernel.Vector512 => 32,
        Kernel.Vector128 => 8,
        _ => 16,
    };

    /// <summary>The shape of a product for <paramref name="kernel"/> (with a half-width last panel where it has one).</summary>
    public static GemmShape Shape(int batch, int k, int n, Kernel kernel)
    {
        kernel = Resolve(kernel);
        return new GemmShape(batch, k, n, Width(kernel), halfTail: kernel is Kernel.Vector256 or Kernel.Vector512);
    }

    /// <summary>
    /// Splits the tiles among <paramref name="parts"/> workers: contiguous column ranges when there are enough
    /// weight micro-panels (every worker reads all inputs, each its own weights), otherwise batch-row ranges.
    /// </summary>
    public static WorkRange Split(in GemmShape s, int parts, int index)
    {
        if (!SplitsByRows(s, parts))
            return new WorkRange(0, s.RowPanels, (int)((long)s.ColumnPanels * index / parts), (int)((long)s.ColumnPanels * (index + 1) / parts));
        return new WorkRange((int)((long)s.RowPanels * index / parts), (int)((long)s.RowPanels * (index + 1) / parts), 0, s.ColumnPanels);
    }

    /// <summary>Whether <see cref="Split"/> gives workers ranges of batch rows (each then needs only its own inputs).</summary>
    public static bool SplitsByRows(in GemmShape s, int parts) => s.ColumnPanels < 2 * parts && s.RowPanels >= parts;

    /// <summary>
    /// Computes the tiles of <paramref name="range"/> into row-major <paramref name="y"/> (row stride
    /// <paramref name="ldy"/>) from packed operands; <paramref name="epilogue"/> runs on every finished tile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<TEpilogue>(in GemmShape s, Kernel kernel, Inputs x, float* packedW, float* y, int ldy,
        WorkRange range, ref TEpilogue epilogue) where TEpilogue : struct, ITileEpilogue
    {
        if (range.IsEmpty) return;
        const int Mr = GemmShape.Mr;
        kernel = Resolve(kernel);
        nint rowStride = x.Packed ? 1 : x.Stride, step = x.Packed ? Mr : 1;
        float* edge = stackalloc float[Mr * 32 + 16];
        edge = (float*)(((nint)edge + 63) & ~(nint)63);
        for (int kb = 0; kb < s.KBlocks; kb++)
        {
            int kc = s.KLength(kb), k0 = s.KStart(kb);
            bool accumulate = kb > 0, last = kb == s.KBlocks - 1;
            int mcPanels = Math.Max(1, InputBlockBytes / (Mr * kc * sizeof(float)));
            for (int ic = range.IpFrom; ic < range.IpTo; ic += mcPanels)
            {
                int icEnd = Math.Min(range.IpTo, ic + mcPanels);
                for (int jp = range.JpFrom; jp < range.JpTo; jp++)
                {
                    float* b = packedW + s.WOffset(kb, jp);
                    int nr = s.PanelWidth(jp), j0 = jp * s.Nr, cols = Math.Min(nr, s.N - j0);
                    for (int ip = ic; ip < icEnd; ip++)
                    {
                        float* a = x.Packed ? x.Data + s.XOffset(kb, ip) : x.Data + (long)ip * Mr * x.Stride + k0;
                        int b0 = ip * Mr, rows = Math.Min(Mr, s.Batch - b0);
                        float* c = y + (long)b0 * ldy + j0;
                        if (rows == Mr && cols == nr)
                        {
                            Run(kernel, a, rowStride, step, b, nr, kc, c, ldy, accumulate);
                            if (last) epilogue.Apply(c, ldy, b0, j0, nr);
                        }
                        else
                        {
                            // Edge tile: the same kernel on a padded copy, so edges round exactly like the rest.
                            if (accumulate)
                            {
                                new Span<float>(edge, Mr * nr).Clear();
                                for (int r = 0; r < rows; r++) new ReadOnlySpan<float>(c + (long)r * ldy, cols).CopyTo(new Span<float>(edge + r * nr, cols));
                            }
                            Run(kernel, a, rowStride, step, b, nr, kc, edge, nr, accumulate);
                            if (last) epilogue.Apply(edge, nr, b0, j0, nr);
                            for (int r = 0; r < rows; r++) new ReadOnlySpan<float>(edge + r * nr, cols).CopyTo(new Span<float>(c + (long)r * ldy, cols));
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Run(Kernel kernel, float* a, nint rowStride, nint step, float* b, int nr, int kc, float* c, int ldc, bool accumulate)
    {
        switch (kernel)
        {
            case Kernel.Vector256 when nr == 8: MicroKernels.Vector256x8(a, rowStride, step, b, kc, c, ldc, accumulate); break;
            case Kernel.Vector256: MicroKernels.Vector256x16(a, rowStride, step, b, kc, c, ldc, accumulate); break;
            case Kernel.Vector512 when nr == 16: MicroKernels.Vector256x16(a, rowStride, step, b, kc, c, ldc, accumulate); break;
            case Kernel.Vector512: MicroKernels.Vector512x32(a, rowStride, step, b, kc, c, ldc, accumulate); break;
            case Kernel.Vector128: MicroKernels.Vector128x8(a, rowStride, step, b, kc, c, ldc, accumulate); break;
            default: MicroKernels.Scalar(a, rowStride, step, b, nr, kc, c, ldc, accumulate); break;
        }
    }

    /// <summary>
    /// Convenience for tests and one-off products: multiplies on up to <paramref name="maxThreads"/> workers
    /// (0: one per processor), packing the inputs if <paramref name="packInputs"/> (default: if it pays).
    /// W is the window at <paramref name="wOffset"/> of a row-major matrix with row stride <paramref name="ldw"/>.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> x, int batch, int k, ReadOnlySpan<float> w, int wOffset, int ldw, int n,
        Span<float> y, Kernel kernel = Kernel.Auto, int maxThreads = 0, bool? packInputs = null)
    {
        if (x.Length < batch * k || y.Length < batch * n || w.Length < wOffset + (long)(k - 1) * ldw + n)
            throw new ArgumentException("operand buffers too small");
        kernel = Resolve(kernel);
        var s = Shape(batch, k, n, kernel);
        bool pack = packInputs ?? PackingInputsPays(s);
        var inputBuffer = new PinnedBuffer();
        var packedW = new PinnedBuffer();
        float* px = inputBuffer.Ensure(s.PackedXLength), pw = packedW.Ensure(s.PackedWLength);
        fixed (float* xp = x, wp = w, yp = y)
        {
            if (pack)
                for (int ip = 0; ip < s.RowPanels; ip++)
                    OperandPacking.PackInputs(s, xp + (long)ip * GemmShape.Mr * k, k, Math.Min(GemmShape.Mr, batch - ip * GemmShape.Mr), px, ip);
            else
            {
                x[..(batch * k)].CopyTo(inputBuffer.Span(batch * k));
                inputBuffer.Span(s.PackedXLength)[(batch * k)..].Clear();
            }
            var inputs = pack ? Inputs.PackedPanels(px) : Inputs.RowMajor(px, k);
            OperandPacking.PackWeights(s, wp + wOffset, ldw, pw, 0, s.ColumnPanels);
            int threads = Math.Max(1, maxThreads > 0 ? maxThreads : Environment.ProcessorCount);
            nint ay = (nint)yp, apw = (nint)pw;
            var epilogue = new NoEpilogue();
            if (threads == 1) Compute(s, kernel, inputs, pw, yp, n, Split(s, 1, 0), ref epilogue);
            else
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
                {
                    var e = new NoEpilogue();
                    Compute(s, kernel, inputs, (float*)apw, (float*)ay, n, Split(s, threads, t), ref e);
                });
        }
        GC.KeepAlive(inputBuffer);
        GC.KeepAlive(packedW);
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Y (batch x n) = X (batch x k) * W (k x n, row stride ldw): the summing of column currents,
/// by hand-blocked SIMD. Register tiles of 6 batch rows x 2 vectors of columns (6x16 with AVX2,
/// 6x32 with AVX-512) keep 12 accumulators in registers while W streams through once per tile;
/// column panels are spread across cores.
/// </summary>
internal static unsafe class AnalogMatMul
{
    private const int Mr = 6;
    private const int Kc = 256;

    /// <summary>Which register kernel to use; tests force each one.</summary>
    public enum Kernel { Auto, Vector256, Vector512, Scalar }

    public static void Multiply(ReadOnlySpan<float> x, int batch, int k, ReadOnlySpan<float> w, int wOffset, int ldw, int n,
        Span<float> y, Kernel kernel = Kernel.Auto, int maxThreads = 0)
    {
        if (kernel == Kernel.Auto)
            kernel = Vector512.IsHardwareAccelerated ? Kernel.Vector512 : Vector256.IsHardwareAccelerated ? Kernel.Vector256 : Kernel.Scalar;
        int nr = kernel switch { Kernel.Vector512 => 32, Kernel.Vector256 => 16, _ => 16 };
        int panels = (n + nr - 1) / nr;
        fixed (float* px = x, pw = w, py = y)
        {
            nint ax = (nint)px, aw = (nint)(pw + wOffset), ay = (nint)py;
            long flops = 2L * batch * k * n;
            int threads = maxThreads > 0 ? maxThreads : Environment.ProcessorCount;
            if (threads <= 1 || flops < 2_000_000 || panels < 2)
            {
                for (int p = 0; p < panels; p++) Panel(kernel, (float*)ax, batch, k, (float*)aw, ldw, n, (float*)ay, p * nr, nr);
            }
            else
            {
                var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
                Parallel.For(0, panels, options, p => Panel(kernel, (float*)ax, batch, k, (float*)aw, ldw, n, (float*)ay, p * nr, nr));
            }
        }
    }

    [ThreadStatic] private static float[]? _packed;

    /// <summary>
    /// One column panel, blocked over k. The panel's slice of W (Kc x nr floats) is first copied into a
    /// contiguous buffer: in the tile, rows of W lie a power-of-two stride apart and would all fall into
    /// the same few L1 sets; packed, the slice stays in L1 while every batch block streams past it.
    /// Partial sums go through Y between k blocks, always in the same order (deterministic).
    /// </summary>
    private static void Panel(Kernel kernel, float* x, int batch, int k, float* w, int ldw, int n, float* y, int j0, int nr)
    {
        int width = Math.Min(nr, n - j0);
        var packed = _packed ??= new float[Kc * 32];
        fixed (float* pack = packed)
        {
            for (int k0 = 0; k0 < k; k0 += Kc)
            {
                int kc = Math.Min(Kc, k - k0);
                bool accumulate = k0 > 0;
                float* wk = w + (long)k0 * ldw + j0;
                for (int p = 0; p < kc; p++)
                    new ReadOnlySpan<float>(wk + (long)p * ldw, width).CopyTo(new Span<float>(pack + p * nr, width));
                int b = 0;
                if (width == nr && kernel != Kernel.Scalar)
                {
                    for (; b + Mr <= batch; b += Mr)
                    {
                        if (kernel == Kernel.Vector512) Kernel6x32(x + (long)b * k + k0, k, pack, nr, kc, y + (long)b * n + j0, n, accumulate);
                        else Kernel6x16(x + (long)b * k + k0, k, pack, nr, kc, y + (long)b * n + j0, n, accumulate);
                    }
                }
                for (; b < batch; b++) RowEdge(x + (long)b * k + k0, pack, nr, kc, y + (long)b * n + j0, width, accumulate);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(float* x, int ldx, float* w, int ldw, int kc, float* y, int ldy, bool accumulate)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (accumulate)
        {
            float* yy = y;
            c00 = Vector256.Load(yy); c01 = Vector256.Load(yy + 8); yy += ldy;
            c10 = Vector256.Load(yy); c11 = Vector256.Load(yy + 8); yy += ldy;
            c20 = Vector256.Load(yy); c21 = Vector256.Load(yy + 8); yy += ldy;
            c30 = Vector256.Load(yy); c31 = Vector256.Load(yy + 8); yy += ldy;
            c40 = Vector256.Load(yy); c41 = Vector256.Load(yy + 8); yy += ldy;
            c50 = Vector256.Load(yy); c51 = Vector256.Load(yy + 8);
        }
        float* x0 = x, x1 = x + ldx, x2 = x + 2 * ldx, x3 = x + 3 * ldx, x4 = x + 4 * ldx, x5 = x + 5 * ldx;
        float* wp = w;
        for (int p = 0; p < kc; p++, wp += ldw)
        {
            var w0 = Vector256.Load(wp);
            var w1 = Vector256.Load(wp + 8);
            var a = Vector256.Create(x0[p]); c00 = Vector256.MultiplyAddEstimate(a, w0, c00); c01 = Vector256.MultiplyAddEstimate(a, w1, c01);
            a = Vector256.Create(x1[p]); c10 = Vector256.MultiplyAddEstimate(a, w0, c10); c11 = Vector256.MultiplyAddEstimate(a, w1, c11);
            a = Vector256.Create(x2[p]); c20 = Vector256.MultiplyAddEstimate(a, w0, c20); c21 = Vector256.MultiplyAddEstimate(a, w1, c21);
            a = Vector256.Create(x3[p]); c30 = Vector256.MultiplyAddEstimate(a, w0, c30); c31 = Vector256.MultiplyAddEstimate(a, w1, c31);
            a = Vector256.Create(x4[p]); c40 = Vector256.MultiplyAddEstimate(a, w0, c40); c41 = Vector256.MultiplyAddEstimate(a, w1, c41);
            a = Vector256.Create(x5[p]); c50 = Vector256.MultiplyAddEstimate(a, w0, c50); c51 = Vector256.MultiplyAddEstimate(a, w1, c51);
        }
        c00.Store(y); c01.Store(y + 8); y += ldy;
        c10.Store(y); c11.Store(y + 8); y += ldy;
        c20.Store(y); c21.Store(y + 8); y += ldy;
        c30.Store(y); c31.Store(y + 8); y += ldy;
        c40.Store(y); c41.Store(y + 8); y += ldy;
        c50.Store(y); c51.Store(y + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x32(float* x, int ldx, float* w, int ldw, int kc, float* y, int ldy, bool accumulate)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default,
            c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        if (accumulate)
        {
            float* yy = y;
            c00 = Vector512.Load(yy); c01 = Vector512.Load(yy + 16); yy += ldy;
            c10 = Vector512.Load(yy); c11 = Vector512.Load(yy + 16); yy += ldy;
            c20 = Vector512.Load(yy); c21 = Vector512.Load(yy + 16); yy += ldy;
            c30 = Vector512.Load(yy); c31 = Vector512.Load(yy + 16); yy += ldy;
            c40 = Vector512.Load(yy); c41 = Vector512.Load(yy + 16); yy += ldy;
            c50 = Vector512.Load(yy); c51 = Vector512.Load(yy + 16);
        }
        float* x0 = x, x1 = x + ldx, x2 = x + 2 * ldx, x3 = x + 3 * ldx, x4 = x + 4 * ldx, x5 = x + 5 * ldx;
        float* wp = w;
        for (int p = 0; p < kc; p++, wp += ldw)
        {
            var w0 = Vector512.Load(wp);
            var w1 = Vector512.Load(wp + 16);
            var a = Vector512.Create(x0[p]); c00 = Vector512.MultiplyAddEstimate(a, w0, c00); c01 = Vector512.MultiplyAddEstimate(a, w1, c01);
            a = Vector512.Create(x1[p]); c10 = Vector512.MultiplyAddEstimate(a, w0, c10); c11 = Vector512.MultiplyAddEstimate(a, w1, c11);
            a = Vector512.Create(x2[p]); c20 = Vector512.MultiplyAddEstimate(a, w0, c20); c21 = Vector512.MultiplyAddEstimate(a, w1, c21);
            a = Vector512.Create(x3[p]); c30 = Vector512.MultiplyAddEstimate(a, w0, c30); c31 = Vector512.MultiplyAddEstimate(a, w1, c31);
            a = Vector512.Create(x4[p]); c40 = Vector512.MultiplyAddEstimate(a, w0, c40); c41 = Vector512.MultiplyAddEstimate(a, w1, c41);
            a = Vector512.Create(x5[p]); c50 = Vector512.MultiplyAddEstimate(a, w0, c50); c51 = Vector512.MultiplyAddEstimate(a, w1, c51);
        }
        c00.Store(y); c01.Store(y + 16); y += ldy;
        c10.Store(y); c11.Store(y + 16); y += ldy;
        c20.Store(y); c21.Store(y + 16); y += ldy;
        c30.Store(y); c31.Store(y + 16); y += ldy;
        c40.Store(y); c41.Store(y + 16); y += ldy;
        c50.Store(y); c51.Store(y + 16);
    }

    /// <summary>One batch row against up to one panel of columns: for edges and odd shapes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowEdge(float* x, float* w, int ldw, int kc, float* y, int width, bool accumulate)
    {
        Span<float> acc = stackalloc float[32];
        acc = acc[..width];
        if (accumulate) new ReadOnlySpan<float>(y, width).CopyTo(acc);
        else acc.Clear();
        float* wp = w;
        for (int p = 0; p < kc; p++, wp += ldw)
        {
            float a = x[p];
            for (int j = 0; j < width; j++) acc[j] = float.MultiplyAddEstimate(a, wp[j], acc[j]); // same rounding as the vector kernels
        }
        for (int j = 0; j < width; j++) y[j] = acc[j];
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Register tiles: C (6 x nr) (+)= A-panel (kc x 6) * B-panel (kc x nr) on packed operands. Every kernel computes
/// each output as the same fused multiply-add chain over p in order, so all of them give bit-identical results;
/// they differ only in how many columns they hold in registers (16 with AVX2: 12 accumulators + 2 weights + 1
/// broadcast = 15 of 16 ymm registers; 32 with AVX-512; 8 with 128-bit vectors, e.g. NEON on a Pi).
/// </summary>
internal static unsafe class MicroKernels
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector256x16(float* a, nint rowStride, nint step, float* b, int kc, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            float* cc = c;
            c00 = Vector256.Load(cc); c01 = Vector256.Load(cc + 8); cc += ldc;
            c10 = Vector256.Load(cc); c11 = Vector256.Load(cc + 8); cc += ldc;
            c20 = Vector256.Load(cc); c21 = Vector256.Load(cc + 8); cc += ldc;
            c30 = Vector256.Load(cc); c31 = Vector256.Load(cc + 8); cc += ldc;
            c40 = Vector256.Load(cc); c41 = Vector256.Load(cc + 8); cc += ldc;
            c50 = Vector256.Load(cc); c51 = Vector256.Load(cc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        // Input row r, element p is at a[r * rowStride + p * step]: packed panels (1, 6) or rows in place (ldx, 1).
        float* x0 = a, x1 = a + rowStride, x2 = a + 2 * rowStride, x3 = a + 3 * rowStride, x4 = a + 4 * rowStride, x5 = a + 5 * rowStride;
        nint offset = 0, stepBytes = step * sizeof(float);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(*(float*)((byte*)x0 + offset)); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(*(float*)((byte*)x1 + offset)); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(*(float*)((byte*)x2 + offset)); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(*(float*)((byte*)x3 + offset)); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(*(float*)((byte*)x4 + offset)); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(*(float*)((byte*)x5 + offset)); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            offset += stepBytes;
            b += 16;
        }
        c00.Store(c); c01.Store(c + 8); c += ldc;
        c10.Store(c); c11.Store(c + 8); c += ldc;
        c20.Store(c); c21.Store(c + 8); c += ldc;
        c30.Store(c); c31.Store(c + 8); c += ldc;
        c40.Store(c); c41.Store(c + 8); c += ldc;
        c50.Store(c); c51.Store(c + 8);
    }

    /// <summary>Half-width tail of the AVX2 kernel: 6 accumulators, so latency- rather than throughput-bound, but a third cheaper than padding to 16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector256x8(float* a, nint rowStride, nint step, float* b, int kc, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c0, c1, c2, c3, c4, c5;
        if (accumulate)
        {
            c0 = Vector256.Load(c); c1 = Vector256.Load(c + ldc); c2 = Vector256.Load(c + 2 * ldc);
            c3 = Vector256.Load(c + 3 * ldc); c4 = Vector256.Load(c + 4 * ldc); c5 = Vector256.Load(c + 5 * ldc);
        }
        else
        {
            c0 = c1 = c2 = c3 = c4 = c5 = Vector256<float>.Zero;
        }
        float* x0 = a, x1 = a + rowStride, x2 = a + 2 * rowStride, x3 = a + 3 * rowStride, x4 = a + 4 * rowStride, x5 = a + 5 * rowStride;
        nint offset = 0, stepBytes = step * sizeof(float);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(*(float*)((byte*)x0 + offset)), b0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Create(*(float*)((byte*)x1 + offset)), b0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Create(*(float*)((byte*)x2 + offset)), b0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Create(*(float*)((byte*)x3 + offset)), b0, c3);
            c4 = Vector256.FusedMultiplyAdd(Vector256.Create(*(float*)((byte*)x4 + offset)), b0, c4);
            c5 = Vector256.FusedMultiplyAdd(Vector256.Create(*(float*)((byte*)x5 + offset)), b0, c5);
            offset += stepBytes;
            b += 8;
        }
        c0.Store(c); c1.Store(c + ldc); c2.Store(c + 2 * ldc);
        c3.Store(c + 3 * ldc); c4.Store(c + 4 * ldc); c5.Store(c + 5 * ldc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector512x32(float* a, nint rowStride, nint step, float* b, int kc, float* c, int ldc, bool accumulate)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            float* cc = c;
            c00 = Vector512.Load(cc); c01 = Vector512.Load(cc + 16); cc += ldc;
            c10 = Vector512.Load(cc); c11 = Vector512.Load(cc + 16); cc += ldc;
            c20 = Vector512.Load(cc); c21 = Vector512.Load(cc + 16); cc += ldc;
            c30 = Vector512.Load(cc); c31 = Vector512.Load(cc + 16); cc += ldc;
            c40 = Vector512.Load(cc); c41 = Vector512.Load(cc + 16); cc += ldc;
            c50 = Vector512.Load(cc); c51 = Vector512.Load(cc + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector512<float>.Zero;
        }
        // Input row r, element p is at a[r * rowStride + p * step]: packed panels (1, 6) or rows in place (ldx, 1).
        float* x0 = a, x1 = a + rowStride, x2 = a + 2 * rowStride, x3 = a + 3 * rowStride, x4 = a + 4 * rowStride, x5 = a + 5 * rowStride;
        nint offset = 0, stepBytes = step * sizeof(float);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(*(float*)((byte*)x0 + offset)); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(*(float*)((byte*)x1 + offset)); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(*(float*)((byte*)x2 + offset)); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(*(float*)((byte*)x3 + offset)); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(*(float*)((byte*)x4 + offset)); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(*(float*)((byte*)x5 + offset)); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            offset += stepBytes;
            b += 32;
        }
        c00.Store(c); c01.Store(c + 16); c += ldc;
        c10.Store(c); c11.Store(c + 16); c += ldc;
        c20.Store(c); c21.Store(c + 16); c += ldc;
        c30.Store(c); c31.Store(c + 16); c += ldc;
        c40.Store(c); c41.Store(c + 16); c += ldc;
        c50.Store(c); c51.Store(c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Vector128x8(float* a, nint rowStride, nint step, float* b, int kc, float* c, int ldc, bool accumulate)
    {
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            float* cc = c;
            c00 = Vector128.Load(cc); c01 = Vector128.Load(cc + 4); cc += ldc;
            c10 = Vector128.Load(cc); c11 = Vector128.Load(cc + 4); cc += ldc;
            c20 = Vector128.Load(cc); c21 = Vector128.Load(cc + 4); cc += ldc;
            c30 = Vector128.Load(cc); c31 = Vector128.Load(cc + 4); cc += ldc;
            c40 = Vector128.Load(cc); c41 = Vector128.Load(cc + 4); cc += ldc;
            c50 = Vector128.Load(cc); c51 = Vector128.Load(cc + 4);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector128<float>.Zero;
        }
        // Input row r, element p is at a[r * rowStride + p * step]: packed panels (1, 6) or rows in place (ldx, 1).
        float* x0 = a, x1 = a + rowStride, x2 = a + 2 * rowStride, x3 = a + 3 * rowStride, x4 = a + 4 * rowStride, x5 = a + 5 * rowStride;
        nint offset = 0, stepBytes = step * sizeof(float);
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var x = Vector128.Create(*(float*)((byte*)x0 + offset)); c00 = Vector128.FusedMultiplyAdd(x, b0, c00); c01 = Vector128.FusedMultiplyAdd(x, b1, c01);
            x = Vector128.Create(*(float*)((byte*)x1 + offset)); c10 = Vector128.FusedMultiplyAdd(x, b0, c10); c11 = Vector128.FusedMultiplyAdd(x, b1, c11);
            x = Vector128.Create(*(float*)((byte*)x2 + offset)); c20 = Vector128.FusedMultiplyAdd(x, b0, c20); c21 = Vector128.FusedMultiplyAdd(x, b1, c21);
            x = Vector128.Create(*(float*)((byte*)x3 + offset)); c30 = Vector128.FusedMultiplyAdd(x, b0, c30); c31 = Vector128.FusedMultiplyAdd(x, b1, c31);
            x = Vector128.Create(*(float*)((byte*)x4 + offset)); c40 = Vector128.FusedMultiplyAdd(x, b0, c40); c41 = Vector128.FusedMultiplyAdd(x, b1, c41);
            x = Vector128.Create(*(float*)((byte*)x5 + offset)); c50 = Vector128.FusedMultiplyAdd(x, b0, c50); c51 = Vector128.FusedMultiplyAdd(x, b1, c51);
            offset += stepBytes;
            b += 8;
        }
        c00.Store(c); c01.Store(c + 4); c += ldc;
        c10.Store(c); c11.Store(c + 4); c += ldc;
        c20.Store(c); c21.Store(c + 4); c += ldc;
        c30.Store(c); c31.Store(c + 4); c += ldc;
        c40.Store(c); c41.Store(c + 4); c += ldc;
        c50.Store(c); c51.Store(c + 4);
    }

    /// <summary>Any width, no SIMD: the reference the vector kernels must match bit for bit.</summary>
    public static void Scalar(float* a, nint rowStride, nint step, float* b, int nr, int kc, float* c, int ldc, bool accumulate)
    {
        for (int r = 0; r < GemmShape.Mr; r++)
            for (int j = 0; j < nr; j++)
            {
                float acc = accumulate ? c[(long)r * ldc + j] : 0f;
                for (int p = 0; p < kc; p++) acc = MathF.FusedMultiplyAdd(a[r * rowStride + p * step], b[p * nr + j], acc);
                c[(long)r * ldc + j] = acc;
            }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MortalHil.Sim.Forward;

/// <summary>
/// Copies inputs and weights into the micro-panel layout of <see cref="GemmShape"/>: each register tile then
/// reads two short sequential streams instead of six input rows and a weight window a power-of-two stride apart
/// (which would fall into a few L1 sets).
/// </summary>
internal static unsafe class OperandPacking
{
    /// <summary>
    /// Packs weight micro-panels [<paramref name="jpFrom"/>, <paramref name="jpTo"/>) of the row-major window
    /// at <paramref name="w"/> (row stride <paramref name="ldw"/>), for every k block.
    /// </summary>
    public static void PackWeights(in GemmShape s, float* w, int ldw, float* packed, int jpFrom, int jpTo)
    {
        for (int kb = 0; kb < s.KBlocks; kb++)
        {
            int k0 = s.KStart(kb), kc = s.KLength(kb);
            for (int jp = jpFrom; jp < jpTo; jp++)
            {
                int nr = s.PanelWidth(jp), j0 = jp * s.Nr, width = Math.Min(nr, s.N - j0);
                float* dst = packed + s.WOffset(kb, jp);
                float* src = w + (long)k0 * ldw + j0;
                if (width == nr && nr % 8 == 0)
                {
                    for (int p = 0; p < kc; p++, dst += nr, src += ldw)
                        for (int c = 0; c < nr; c += 8) Vector256.Store(Vector256.Load(src + c), dst + c);
                }
                else
                {
                    for (int p = 0; p < kc; p++, dst += nr, src += ldw)
                    {
                        int c = 0;
                        for (; c < width; c++) dst[c] = src[c];
                        for (; c < nr; c++) dst[c] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs input micro-panel <paramref name="ip"/> from <paramref name="valid"/> row-major rows at
    /// <paramref name="rows"/> (stride <paramref name="ld"/>, each K long); missing rows become zeros.
    /// </summary>
    public static void PackInputs(in GemmShape s, float* rows, int ld, int valid, float* packed, int ip)
    {
        const int Mr = GemmShape.Mr;
        for (int kb = 0; kb < s.KBlocks; kb++)
        {
            int k0 = s.KStart(kb), kc = s.KLength(kb);
            float* dst = packed + s.XOffset(kb, ip);
            float* src = rows + k0;
            if (valid == Mr) PackFull(src, ld, dst, kc);
            else
            {
                for (int p = 0; p < kc; p++, dst += Mr)
                {
                    int r = 0;
                    for (; r < valid; r++) dst[r] = src[(long)r * ld + p];
                    for (; r < Mr; r++) dst[r] = 0f;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackFull(float* src, int ld, float* dst, int kc)
    {
        float* r0 = src, r1 = src + ld, r2 = src + 2L * ld, r3 = src + 3L * ld, r4 = src + 4L * ld, r5 = src + 5L * ld;
        for (int p = 0; p < kc; p++, dst += GemmShape.Mr)
        {
            dst[0] = r0[p]; dst[1] = r1[p]; dst[2] = r2[p];
            dst[3] = r3[p]; dst[4] = r4[p]; dst[5] = r5[p];
        }
    }
}

using MortalHil.Sim.Forward;

namespace MortalHil.Sim.Tests;

/// <summary>The blocked product against a plain scalar reference, on shapes that exercise every edge.</summary>
public class ForwardKernelTests
{
    /// <summary>The definition every kernel must meet bit for bit: one fused multiply-add chain over k, in order.</summary>
    private static float[] Reference(float[] x, int batch, int k, float[] w, int offset, int ldw, int n)
    {
        var y = new float[batch * n];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < n; j++)
            {
                float acc = 0f;
                for (int p = 0; p < k; p++) acc = MathF.FusedMultiplyAdd(x[b * k + p], w[offset + p * ldw + j], acc);
                y[b * n + j] = acc;
            }
        return y;
    }

    private static (float[] X, float[] W, int Offset, int Ldw) Operands(int batch, int k, int n, int seed)
    {
        var rng = new Random(seed);
        int ldw = n + 5, offset = 2 * ldw + 3;
        var w = Enumerable.Range(0, offset + k * ldw).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var x = Enumerable.Range(0, batch * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        return (x, w, offset, ldw);
    }

    public static TheoryData<string, int, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int, int>();
        string[] kernels = ["Vector256", "Vector128", "Scalar", "Auto"];
        // batch 1..13 (partial and whole 6-row panels), k around the 320 block limit and past two blocks,
        // n below, at and past whole 8/16/32-column panels.
        (int Batch, int K, int N)[] shapes =
        [
            (1, 1, 1), (2, 3, 15), (3, 17, 16), (4, 320, 17), (5, 321, 33), (6, 64, 31), (7, 5, 48),
            (8, 641, 9), (9, 100, 70), (10, 2, 1), (11, 333, 20), (12, 48, 65), (13, 700, 23),
        ];
        foreach (var kernel in kernels)
            foreach (var (b, k, n) in shapes) data.Add(kernel, b, k, n);
        data.Add("Vector512", 13, 321, 45); // emulated where there is no AVX-512: slow, so one shape
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_kernel_matches_the_scalar_reference_bit_for_bit(string kernelName, int batch, int k, int n)
    {
        var kernel = Enum.Parse<AnalogMatMul.Kernel>(kernelName);
        var (x, w, offset, ldw) = Operands(batch, k, n, batch * 7919 + k * 31 + n);
        var expected = Reference(x, batch, k, w, offset, ldw, n);
        foreach (bool packInputs in new[] { true, false })
        {
            var y = new float[batch * n];
            AnalogMatMul.Multiply(x, batch, k, w, offset, ldw, n, y, kernel, maxThreads: 2, packInputs);
            Assert.Equal(expected, y);
        }
    }

    [Theory]
    [InlineData(256, 784, 512)]
    [InlineData(32, 784, 512)]
    [InlineData(256, 256, 20)]
    [InlineData(7, 321, 100)]
    public void The_product_does_not_depend_on_the_number_of_threads(int batch, int k, int n)
    {
        var (x, w, offset, ldw) = Operands(batch, k, n, 42);
        var one = new float[batch * n];
        AnalogMatMul.Multiply(x, batch, k, w, offset, ldw, n, one, maxThreads: 1);
        foreach (int threads in new[] { 2, 3, 5 })
        {
            var many = new float[batch * n];
            AnalogMatMul.Multiply(x, batch, k, w, offset, ldw, n, many, maxThreads: threads);
            Assert.Equal(one, many);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(43, 7, 2)]
    [InlineData(256, 784, 512)]
    [InlineData(5, 3, 100)]
    public void Every_tile_is_given_to_exactly_one_worker(int batch, int k, int n)
    {
        var s = new GemmShape(batch, k, n, 16);
        foreach (int parts in new[] { 1, 2, 3, 8 })
        {
            var owner = new int[s.RowPanels, s.ColumnPanels];
            for (int t = 0; t < parts; t++)
            {
                var r = AnalogMatMul.Split(s, parts, t);
                for (int ip = r.IpFrom; ip < r.IpTo; ip++)
                    for (int jp = r.JpFrom; jp < r.JpTo; jp++) owner[ip, jp]++;
            }
            foreach (int count in owner) Assert.Equal(1, count);
        }
    }

    [Fact]
    public void K_blocks_cover_k_exactly_and_none_is_longer_than_the_limit()
    {
        foreach (int k in new[] { 1, 319, 320, 321, 640, 641, 784, 1024 })
        {
            var s = new GemmShape(1, k, 1, 16);
            int covered = 0;
            for (int kb = 0; kb < s.KBlocks; kb++)
            {
                Assert.Equal(covered, s.KStart(kb));
                Assert.InRange(s.KLength(kb), 1, GemmShape.MaxKBlock);
                covered += s.KLength(kb);
            }
            Assert.Equal(k, covered);
        }
    }
}

using MortalHil.Sim.Forward;

namespace MortalHil.Sim.Tests;

public class AnalogMatMulTests
{
    [Theory]
    [InlineData("Vector256", 13, 37, 45)]
    [InlineData("Vector512", 13, 37, 70)]
    [InlineData("Scalar", 5, 9, 17)]
    [InlineData("Auto", 64, 100, 96)]
    [InlineData("Vector256", 20, 600, 40)]
    [InlineData("Vector512", 7, 530, 64)]
    public void Every_kernel_computes_the_window_product(string kernelName, int batch, int k, int n)
    {
        var kernel = Enum.Parse<AnalogMatMul.Kernel>(kernelName);
        var rng = new Random(batch * 1000 + n);
        int ldw = n + 7, offset = 3 * ldw + 5;
        var w = Enumerable.Range(0, (k + 4) * ldw + 10).Select(_ => (float)rng.NextDouble()).ToArray();
        var x = Enumerable.Range(0, batch * k).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var y = new float[batch * n];
        AnalogMatMul.Multiply(x, batch, k, w, offset, ldw, n, y, kernel, maxThreads: 2);
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < n; j++)
            {
                double exact = 0, mag = 0;
                for (int p = 0; p < k; p++) { double t = (double)x[b * k + p] * w[offset + p * ldw + j]; exact += t; mag += Math.Abs(t); }
                Assert.True(Math.Abs(y[b * n + j] - exact) <= 1e-6 * mag, $"[{b},{j}] {y[b * n + j]} vs {exact}");
            }
    }
}

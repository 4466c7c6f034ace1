using MortalHil.Core.Devices;
using MortalHil.Sim.Forward;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

/// <summary>The fast read path: noise statistics, independence from threading, and freshness of packed weights.</summary>
public class ReadPathTests
{
    [Fact]
    public void Vector_and_scalar_noise_draws_agree_bit_for_bit()
    {
        var noise = new ReadNoise(12345);
        for (uint c = 0; c < 4096; c += 8)
        {
            var v = noise.Gaussian8(c);
            for (int i = 0; i < 8; i++) Assert.Equal(noise.Gaussian(c + (uint)i), v[i]);
        }
    }

    [Fact]
    public void Read_noise_draws_are_close_to_standard_normal_and_uncorrelated()
    {
        const int N = 1 << 20;
        var a = new ReadNoise(7);
        var b = new ReadNoise(8); // the next read
        double sum = 0, sum2 = 0, sum3 = 0, sum4 = 0, lag = 0, cross = 0, beyond2 = 0;
        float previous = a.Gaussian(0);
        for (uint i = 0; i < N; i++)
        {
            double z = a.Gaussian(i);
            sum += z; sum2 += z * z; sum3 += z * z * z; sum4 += z * z * z * z;
            if (i > 0) lag += z * previous;
            cross += z * b.Gaussian(i);
            if (Math.Abs(z) > 2) beyond2++;
            previous = (float)z;
        }
        double mean = sum / N, variance = sum2 / N - mean * mean;
        Assert.InRange(mean, -0.005, 0.005);
        Assert.InRange(variance, 0.99, 1.01);
        Assert.InRange(sum3 / N, -0.02, 0.02);                 // symmetric
        Assert.InRange(sum4 / N - 3, -0.35, -0.25);            // Irwin-Hall(4): excess kurtosis -0.3 (normal: 0)
        Assert.InRange(beyond2 / N, 0.0455 - 0.005, 0.0455 + 0.005); // normal: 4.55% beyond two sigma
        Assert.InRange(lag / N, -0.005, 0.005);                // neighbouring outputs independent
        Assert.InRange(cross / N, -0.005, 0.005);              // successive reads independent
    }

    [Fact]
    public void Read_noise_has_the_standard_deviation_the_preset_gives()
    {
        // reram read and ADC noise, with the ADC neither quantising nor saturating so the spread is visible.
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 64, 24) with
        {
            Adc = BuiltInPresets.ReRam.Adc with { Quantize = false, Saturate = false },
        };
        using var board = SimulatedBoard.Create(preset, "noise-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var one = TestBoards.RandomInputs(w.RowCount, 0.2f, 3);
        const int copies = 600;
        var v = new float[copies * w.RowCount];
        for (int b = 0; b < copies; b++) one.CopyTo(v, b * w.RowCount);
        var y = new float[copies * w.ColumnCount];
        board.Read(w, v, y);

        float step = board.Description.Dac.StepVolts;
        double applied2 = one.Sum(x => Math.Pow(Math.Round(x / step) * step, 2));
        double cell = preset.Read.NoiseRel * preset.Conductance.GMaxMicrosiemens * 1e-6;
        double adc = preset.Adc.NoiseRel * preset.Adc.FullScaleMicroamps * 1e-6;
        double expected = Math.Sqrt(cell * cell * applied2 + adc * adc);
        double measured = 0;
        for (int c = 0; c < w.ColumnCount; c++)
        {
            var column = Enumerable.Range(0, copies).Select(b => (double)y[b * w.ColumnCount + c]).ToArray();
            double m = column.Average();
            measured += Math.Sqrt(column.Sum(x => (x - m) * (x - m)) / (copies - 1));
        }
        measured /= w.ColumnCount;
        Assert.InRange(measured / expected, 0.95, 1.05);
    }

    [Theory]
    [InlineData(AnalogActivation.None)]
    [InlineData(AnalogActivation.Relu)]
    [InlineData(AnalogActivation.Tanh)]
    public void A_read_does_not_depend_on_threads_or_kernel(AnalogActivation activation)
    {
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 300, 70);
        using var reference = SimulatedBoard.Create(preset, "threads-1");
        using var other = SimulatedBoard.Create(preset, "threads-1");
        reference.Forward.MaxThreads = 1;
        reference.Forward.Kernel = AnalogMatMul.Kernel.Scalar;
        other.Forward.ParallelFromMultiplyAdds = 0; // small windows, but every parallel path
        foreach (var (w, batch) in new[] { (new CrossbarWindow(0, 1, 299, 3, 67), 13), (new CrossbarWindow(1, 0, 300, 0, 70), 64), (new CrossbarWindow(0, 5, 7, 2, 1), 1) })
        {
            var v = TestBoards.RandomInputs(batch * w.RowCount, 0.01f, batch);
            foreach (int threads in new[] { 3, 0, 2, 7 }) // the first read of each window packs its weights
            {
                // Both boards make the same sequence of reads, so each read draws the same noise.
                var expected = new float[batch * w.ColumnCount];
                reference.Read(w, v, expected, activation);
                other.Forward.MaxThreads = threads;
                var y = new float[batch * w.ColumnCount];
                other.Read(w, v, y, activation);
                Assert.Equal(expected, y);
            }
        }
    }

    [Fact]
    public void A_read_after_pulses_sees_the_new_conductances()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 40, 24), "fresh-1");
        var w = new CrossbarWindow(0, 2, 30, 1, 20);
        var v = TestBoards.RandomInputs(5 * w.RowCount, 0.2f, 9);
        var before = new float[5 * w.ColumnCount];
        board.Read(w, v, before);
        board.Read(w, v, before); // the window's packed conductances are now cached
        ulong id = 1;
        TestBoards.PulseAll(board, new CrossbarWindow(0, 10, 3, 5, 4), 200, ref id);
        var after = new float[5 * w.ColumnCount];
        board.Read(w, v, after);
        Assert.NotEqual(before, after);
        AssertExactProduct(board, w, v, after);
    }

    [Fact]
    public void Reading_more_windows_than_are_cached_gives_the_same_as_reading_each_alone()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 40, 40), "windows-1");
        var windows = Enumerable.Range(0, 7).Select(i => new CrossbarWindow(i % 2, i, 20 + i, 2 * i, 9 + 3 * i)).ToArray();
        var first = new List<float[]>();
        for (int pass = 0; pass < 3; pass++)
            for (int i = 0; i < windows.Length; i++)
            {
                var w = windows[i];
                var v = TestBoards.RandomInputs(3 * w.RowCount, 0.2f, i);
                var y = new float[3 * w.ColumnCount];
                board.Read(w, v, y);
                if (pass == 0) { first.Add(y); AssertExactProduct(board, w, v, y); }
                else Assert.Equal(first[i], y);
            }
    }

    private static void AssertExactProduct(SimulatedBoard board, CrossbarWindow w, float[] v, float[] y)
    {
        var g = TestBoards.Measure(board, w); // ideal: no measurement noise
        int batch = v.Length / w.RowCount;
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < w.ColumnCount; c++)
            {
                double exact = 0, magnitude = 0;
                for (int r = 0; r < w.RowCount; r++)
                {
                    double t = (double)v[b * w.RowCount + r] * g[r * w.ColumnCount + c];
                    exact += t;
                    magnitude += Math.Abs(t);
                }
                Assert.True(Math.Abs(y[b * w.ColumnCount + c] - exact) <= 1e-6 * magnitude, $"b={b} c={c}: {y[b * w.ColumnCount + c]} vs {exact}");
            }
    }
}

using MortalHil.Core.Devices;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Tests.Learning;

public class MappingTests
{
    [Fact]
    public void Allocated_blocks_never_overlap_and_a_network_too_large_is_refused_with_a_clear_message()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal with { Tiles = 2, Rows = 32, Columns = 32 });
        var allocator = new TileAllocator(board.Description);
        var windows = new List<CrossbarWindow>();
        while (allocator.TryAllocate(12, 10, out var w)) windows.Add(w);
        Assert.True(windows.Count >= 12);
        foreach (var a in windows)
        foreach (var b in windows)
        {
            if (a.Equals(b) || a.Tile != b.Tile) continue;
            bool overlap = a.Row0 < b.Row0 + b.RowCount && b.Row0 < a.Row0 + a.RowCount && a.Column0 < b.Column0 + b.ColumnCount && b.Column0 < a.Column0 + a.ColumnCount;
            Assert.False(overlap, $"{a} overlaps {b}");
        }
        var task = new SyntheticTask(100, 10, 8, 1);
        var e = Assert.Throws<BoardTooSmallException>(() =>
            NetworkMapper.Map(board, NetworkShape.Parse("100-64-10"), new MappingOptions(), task.Inputs, 8));
        Assert.Contains("100-64-10", e.Message);
    }

    [Theory]
    [InlineData(PairOrientation.Columns)]
    [InlineData(PairOrientation.Rows)]
    public void Programmed_weights_read_back_through_the_board_as_the_float_model_computes_them(PairOrientation pairs)
    {
        // Small tiles force both row tiling (partial sums on the host) and column tiling.
        var board = new FakeCrossbar(FakePhysics.Ideal with { Tiles = 8, Rows = 24, Columns = 24 });
        var task = new SyntheticTask(30, 4, 64, 3);
        var shape = NetworkShape.Parse("30-20-4");
        var net = NetworkMapper.Map(board, shape, new MappingOptions { Pairs = pairs, Seed = 5 }, task.Inputs, 64);
        Assert.True(net.Layers[0].Blocks.Count >= 2 * (pairs == PairOrientation.Columns ? 2 : 1));

        var rng = new Random(11);
        var weights = net.Layers.Select(l => Enumerable.Range(0, l.Inputs * l.Outputs)
            .Select(_ => (float)(rng.NextDouble() * 2 - 1) * 0.5f * l.WeightScale).ToArray()).ToArray();
        var programmer = WeightProgrammer.For(net);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var report = programmer.ProgramLayer(net, net.Layers[l], weights[l], new ProgrammingOptions(ToleranceFraction: 0.002f, MaxIterations: 30));
            Assert.True(report.CellsWithinTolerance >= report.Cells * 0.99, $"{report}");
            net.Layers[l].Bias[0] = 0.1f;
        }

        BoardCalibration.FitRanges(net, task.Inputs, 64); // new weights, new activation ranges
        var measured = NetworkWeights.Measure(net);
        for (int l = 0; l < weights.Length; l++)
        for (int i = 0; i < weights[l].Length; i++)
            Assert.Equal(weights[l][i], measured[l][i], 0.01f * net.Layers[l].WeightScale);

        var logits = new float[64 * 4];
        net.Predict(task.Inputs, 64, logits);
        var expected = FloatReference(task.Inputs, 64, weights, net);
        float scale = expected.Max(MathF.Abs);
        for (int i = 0; i < logits.Length; i++) Assert.Equal(expected[i], logits[i], 0.03f * scale);
    }

    [Fact]
    public void The_measured_pulse_response_of_an_ideal_board_is_its_step()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal);
        var task = new SyntheticTask(16, 4, 32, 3);
        var net = NetworkMapper.Map(board, NetworkShape.Parse("16-8-4"), new MappingOptions(), task.Inputs, 32);
        float step = 99e-6f / 1000f;
        Assert.Equal(step, net.Pulse.UpSiemens, step * 0.01f);
        Assert.Equal(step, net.Pulse.DownSiemens, step * 0.01f);
    }

    [Fact]
    public void Calibration_finds_hidden_column_offsets_and_gains_by_measurement()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal with { GainSpread = 0.1f, OffsetSpreadMicroamps = 3f });
        var task = new SyntheticTask(16, 4, 32, 3);
        var net = NetworkMapper.Map(board, NetworkShape.Parse("16-8-4"), new MappingOptions(), task.Inputs, 32);
        var gains = net.Layers.SelectMany(l => l.Blocks).SelectMany(b => b.ColumnGain).ToArray();
        var offsets = net.Layers.SelectMany(l => l.Blocks).SelectMany(b => b.ColumnOffsetAmps).ToArray();
        Assert.Contains(gains, g => MathF.Abs(g - 1f) > 0.03f);
        Assert.Contains(offsets, o => MathF.Abs(o) > 0.5e-6f);
    }

    private static float[] FloatReference(float[] x, int batch, float[][] w, MappedNetwork net)
    {
        var a = x;
        for (int l = 0; l < w.Length; l++)
        {
            var layer = net.Layers[l];
            var z = new float[batch * layer.Outputs];
            for (int b = 0; b < batch; b++)
            for (int j = 0; j < layer.Outputs; j++)
            {
                float s = layer.Bias[j];
                for (int i = 0; i < layer.Inputs; i++) s += a[b * layer.Inputs + i] * w[l][i * layer.Outputs + j];
                z[b * layer.Outputs + j] = layer.Activation == LayerActivation.HostRelu ? MathF.Max(0, s) : s;
            }
            a = z;
        }
        return a;
    }
}

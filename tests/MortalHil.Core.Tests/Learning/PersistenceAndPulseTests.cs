using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Tests.Data;

namespace MortalHil.Core.Tests.Learning;

public class PersistenceAndPulseTests
{
    [Fact]
    public void A_saved_network_reloads_onto_its_board_and_predicts_the_same()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal);
        var (train, test) = SyntheticTask.Split(16, 4, 128, 64, 1);
        var net = NetworkMapper.Map(board, NetworkShape.Parse("16-12-4"), new MappingOptions { ReadoutGroups = 3, Pairs = PairOrientation.Rows }, train.Inputs, 128);
        net.Layers[1].Bias[2] = 0.25f;
        using var dir = new TempDirectory();
        var path = dir.Sub("net.json");
        MappedNetworkStore.Save(net, path);
        var loaded = MappedNetworkStore.Load(board, path);
        Assert.Equal(net.Shape.Sizes, loaded.Shape.Sizes);
        Assert.Equal(3, loaded.ReadoutGroups);
        Assert.NotNull(loaded.LocalReadouts[0]);
        var a = new float[64 * 4];
        var b = new float[64 * 4];
        net.Predict(test.Inputs, 64, a);
        loaded.Predict(test.Inputs, 64, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void A_network_file_is_refused_on_another_board_or_when_corrupt()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal);
        var (train, _) = SyntheticTask.Split(16, 4, 64, 1, 1);
        var net = NetworkMapper.Map(board, NetworkShape.Parse("16-8-4"), new MappingOptions(), train.Inputs, 64);
        using var dir = new TempDirectory();
        var path = dir.Sub("net.json");
        MappedNetworkStore.Save(net, path);
        var other = new FakeCrossbar(FakePhysics.Ideal with { Seed = 99 });
        var e = Assert.Throws<InvalidDataException>(() => MappedNetworkStore.Load(other, path));
        Assert.Contains("belongs to board", e.Message);
        Assert.NotNull(MappedNetworkStore.Load(other, path, requireSameBoard: false));
        File.WriteAllText(path, File.ReadAllText(path)[..200]);
        Assert.Throws<InvalidDataException>(() => MappedNetworkStore.Load(board, path));
    }

    [Fact]
    public void Balanced_pair_writes_keep_the_common_mode_of_an_asymmetric_device_where_unbalanced_ones_drift()
    {
        float Drift(bool balanced)
        {
            var board = new FakeCrossbar(FakePhysics.Ideal with { DownUpRatio = 0.6f });
            var (train, _) = SyntheticTask.Split(8, 2, 64, 1, 1);
            var net = NetworkMapper.Map(board, NetworkShape.Parse("8-4-2"), new MappingOptions(), train.Inputs, 64);
            var layer = net.Layers[0];
            var writer = new PulseWriter(net, UpdateMode.CellPulses, new Core.Learning.SeededRandom(3)) { Balanced = balanced };
            var before = CommonMode(board, layer);
            var rng = new Random(4);
            var change = new float[layer.Inputs * layer.Outputs];
            for (int step = 0; step < 40; step++)
            {
                for (int i = 0; i < change.Length; i++) change[i] = (rng.Next(2) * 2 - 1) * 5 * writer.PairStepWeight(layer);
                writer.ApplyWeightChange(layer, change);
            }
            return CommonMode(board, layer) - before;
        }
        float unbalanced = Drift(false), balanced = Drift(true);
        Assert.True(MathF.Abs(balanced) < 0.25f * MathF.Abs(unbalanced), $"balanced drift {balanced}, unbalanced {unbalanced}");
    }

    [Fact]
    public void Accumulated_updates_send_only_whole_pulses_and_keep_the_remainder()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal);
        var (train, _) = SyntheticTask.Split(8, 2, 64, 1, 1);
        var net = NetworkMapper.Map(board, NetworkShape.Parse("8-4-2"), new MappingOptions(), train.Inputs, 64);
        var layer = net.Layers[1];
        var writer = new PulseWriter(net, UpdateMode.Accumulated, new Core.Learning.SeededRandom(3)) { TransferThreshold = 3 };
        // x = 1 on one input, δ = −1 on one output: ΔW = lr·1 for that weight only, 0.4 pulses per step.
        var x = new float[layer.Inputs];
        x[1] = 1;
        var delta = new float[layer.Outputs];
        delta[0] = -1;
        float lr = 0.4f * writer.PairStepWeight(layer);
        long before = net.Ledger.PulsesApplied;
        for (int step = 0; step < 7; step++) writer.ApplyGradientStep(layer, x, delta, 1, lr);
        Assert.Equal(before, net.Ledger.PulsesApplied); // 2.8 pulses accumulated: below the threshold of 3
        writer.ApplyGradientStep(layer, x, delta, 1, lr);
        Assert.True(net.Ledger.PulsesApplied > before); // 3.2: three whole pulses sent, 0.2 kept
        var residual = writer.Residual(layer.Blocks[0])!;
        Assert.Equal(0.2f, residual[1 * layer.Outputs + 0], 1e-4f);
    }

    private static float CommonMode(FakeCrossbar board, MappedLayer layer)
    {
        float s = 0;
        foreach (var block in layer.Blocks)
            for (int r = 0; r < block.Window.RowCount; r++)
            for (int c = 0; c < block.Window.ColumnCount; c++)
                s += board.TrueConductance(block.Window.Tile, block.Window.Row0 + r, block.Window.Column0 + c);
        return s * 1e6f;
    }
}

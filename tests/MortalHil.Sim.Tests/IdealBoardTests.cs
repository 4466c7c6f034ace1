using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class IdealBoardTests
{
    [Fact]
    public void An_ideal_board_multiplies_exactly()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 100, 40), "ideal-1");
        var w = new CrossbarWindow(1, 3, 90, 5, 33);
        var g = TestBoards.Measure(board, w);
        const int batch = 13;
        var v = TestBoards.RandomInputs(batch * w.RowCount, 0.2f, 1);
        var y = new float[batch * w.ColumnCount];
        board.Read(w, v, y);
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < w.ColumnCount; c++)
            {
                double exact = 0, magnitude = 0;
                for (int r = 0; r < w.RowCount; r++)
                {
                    exact += (double)v[b * w.RowCount + r] * g[r * w.ColumnCount + c];
                    magnitude += Math.Abs((double)v[b * w.RowCount + r] * g[r * w.ColumnCount + c]);
                }
                // float accumulation of 90 products: rounding at most ~90 ulps of the magnitude
                Assert.True(Math.Abs(y[b * w.ColumnCount + c] - exact) <= 1e-6 * magnitude, $"b={b} c={c}: {y[b * w.ColumnCount + c]} vs {exact}");
            }
    }

    [Fact]
    public void An_ideal_board_reads_the_same_twice()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal), "ideal-2");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var v = TestBoards.RandomInputs(4 * w.RowCount, 0.2f, 2);
        var y1 = new float[4 * w.ColumnCount];
        var y2 = new float[4 * w.ColumnCount];
        board.Read(w, v, y1);
        board.Read(w, v, y2);
        Assert.Equal(y1, y2);
    }

    [Fact]
    public void An_ideal_constant_step_moves_every_cell_by_the_same_amount()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 8, 8), "ideal-3");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        // Start every cell in the middle of its window: the step then never meets a bound.
        ulong id = 1;
        TestBoards.PulseAll(board, w, -3000, ref id);
        TestBoards.PulseAll(board, w, 1000, ref id);
        var before = TestBoards.Measure(board, w);
        TestBoards.PulseAll(board, w, 10, ref id);
        var after = TestBoards.Measure(board, w);
        double expected = 10 * BuiltInPresets.Ideal.Pulse.DwMin * (25e-6 - 2e-6) / 2;
        for (int i = 0; i < before.Length; i++) Assert.Equal(expected, after[i] - before[i], 1e-9);
    }

    [Fact]
    public void A_relu_neuron_never_reports_a_negative_current()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.ReRam), "relu-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var v = TestBoards.RandomInputs(32 * w.RowCount, 0.2f, 3);
        for (int i = 0; i < v.Length; i++) v[i] = -MathF.Abs(v[i]); // negative drive: raw columns go negative
        var raw = new float[32 * w.ColumnCount];
        var relu = new float[32 * w.ColumnCount];
        board.Read(w, v, raw);
        board.Read(w, v, relu, AnalogActivation.Relu);
        Assert.Contains(raw, x => x < 0);
        Assert.All(relu, x => Assert.True(x >= 0));
    }
}

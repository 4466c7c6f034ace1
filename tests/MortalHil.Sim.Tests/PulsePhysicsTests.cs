using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class PulsePhysicsTests
{
    [Fact]
    public void Soft_bounds_saturate_at_the_cells_window()
    {
        using var board = SimulatedBoard.Create(TestBoards.QuietReRam(8, 8), "sb-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var tile = board.HiddenTile(0);
        ulong id = 1;
        TestBoards.PulseAll(board, w, -20000, ref id);
        var g0 = TestBoards.Measure(board, w);
        TestBoards.PulseAll(board, w, 64, ref id);
        var g1 = TestBoards.Measure(board, w);
        TestBoards.PulseAll(board, w, 20000, ref id); // > 6 soft-bound time constants even for the slowest cell
        var g2 = TestBoards.Measure(board, w);
        TestBoards.PulseAll(board, w, 64, ref id);
        var g3 = TestBoards.Measure(board, w);
        const double mid = 13.5e-6, half = 11.5e-6;
        for (int i = 0; i < g0.Length; i++)
        {
            double gMaxCell = mid + half * tile.WMax[i];
            Assert.True(g2[i] <= gMaxCell * (1 + 1e-6), $"cell {i} beyond its window");
            Assert.True(g2[i] >= gMaxCell - 0.01 * half, $"cell {i} at {g2[i]} not saturated near {gMaxCell}");
            // The same 64 pulses move a saturated cell far less than a cell inside its window.
            Assert.True(g3[i] - g2[i] < 0.05 * (g1[i] - g0[i]), $"cell {i}: step did not shrink near the bound");
        }
    }

    [Fact]
    public void Up_down_asymmetry_has_the_presets_sign()
    {
        // Full reram physics (c2c noise, write noise, read noise); the sign must show through averaging.
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 64, 64) with { Stuck = BuiltInPresets.ReRam.Stuck with { Fraction = 0 } };
        Assert.True(preset.Pulse.UpDown > 0);
        using var board = SimulatedBoard.Create(preset, "asym-1");
        var upCells = new CrossbarWindow(0, 0, 32, 0, 64);
        var downCells = new CrossbarWindow(0, 32, 32, 0, 64);
        ulong id = 1;
        var u0 = TestBoards.Measure(board, upCells);
        var d0 = TestBoards.Measure(board, downCells);
        TestBoards.PulseAll(board, upCells, 64, ref id);
        TestBoards.PulseAll(board, downCells, -64, ref id);
        double up = TestBoards.Measure(board, upCells).Zip(u0, (a, b) => (double)a - b).Average();
        double down = d0.Zip(TestBoards.Measure(board, downCells), (a, b) => (double)a - b).Average();
        // Cells start uniformly in their windows, where soft bounds average out: ratio ~ (1 + 0.26) / (1 - 0.26) = 1.7.
        Assert.True(up > 0 && down > 0);
        Assert.InRange(up / down, 1.3, 2.2);
    }

    [Fact]
    public void A_stuck_cell_never_moves()
    {
        var preset = TestBoards.QuietReRam(16, 16) with { Stuck = new StuckSpec { Fraction = 0.2, AtGMaxFraction = 0.5 } };
        using var board = SimulatedBoard.Create(preset, "stuck-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var tile = board.HiddenTile(0);
        var stuck = Enumerable.Range(0, w.CellCount).Where(i => tile.Stuck[i] != 0).ToArray();
        Assert.InRange(stuck.Length, 25, 80);
        var g0 = TestBoards.Measure(board, w);
        ulong id = 1;
        TestBoards.PulseAll(board, w, 500, ref id);
        TestBoards.PulseAll(board, w, -900, ref id);
        var g1 = TestBoards.Measure(board, w);
        foreach (int i in stuck) Assert.Equal(g0[i], g1[i]);
        Assert.True(Enumerable.Range(0, w.CellCount).Except(stuck).All(i => g0[i] != g1[i]));
    }

    [Fact]
    public void Outer_product_pulses_hit_each_cell_by_its_coincidences_and_polarity()
    {
        using var board = SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 4, 3), "op-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        ulong id = 1;
        TestBoards.PulseAll(board, w, -3000, ref id);
        TestBoards.PulseAll(board, w, 1000, ref id);
        var before = TestBoards.Measure(board, w);
        ulong[] rowTrains = [0b1111, 0b0011, 0, 0b1010];
        sbyte[] rowPol = [1, -1, 1, 1];
        ulong[] colTrains = [0b0001, 0b1111, 0b0110];
        sbyte[] colPol = [1, 1, -1];
        var receipt = board.ApplyOuterProductPulses(TestBoards.Nominal(board, id++), w, new OuterProductTrains(4, rowTrains, rowPol, colTrains, colPol));
        var after = TestBoards.Measure(board, w);
        double step = BuiltInPresets.Ideal.Pulse.DwMin * 11.5e-6;
        long total = 0;
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 3; c++)
            {
                int n = System.Numerics.BitOperations.PopCount(rowTrains[r] & colTrains[c]);
                total += n;
                Assert.Equal(n * rowPol[r] * colPol[c] * step, after[r * 3 + c] - before[r * 3 + c], 1e-10);
            }
        Assert.Equal(total, receipt.PulsesApplied);
    }

    [Fact]
    public void A_pulse_below_threshold_changes_nothing()
    {
        using var board = SimulatedBoard.Create(TestBoards.QuietReRam(4, 4), "thr-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var before = TestBoards.Measure(board, w);
        var counts = Enumerable.Repeat((short)20, w.CellCount).ToArray();
        board.ApplyCellPulses(new PulseRequest(1, (float)BuiltInPresets.ReRam.Pulse.ThresholdVolts * 0.9f, 100e-9f), w, counts);
        Assert.Equal(before, TestBoards.Measure(board, w));
    }

    [Fact]
    public void Cells_past_their_endurance_stick_or_lose_their_window()
    {
        var preset = TestBoards.QuietReRam(8, 8) with
        {
            Endurance = new EnduranceSpec { Enabled = true, MedianPulses = 200, LogSpread = 0.1, StuckFraction = 0.5, WindowKept = 0.3 },
        };
        using var board = SimulatedBoard.Create(preset, "wear-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var tile = board.HiddenTile(0);
        float[] window0 = Enumerable.Range(0, 64).Select(i => tile.WMax[i] - tile.WMin[i]).ToArray();
        ulong id = 1;
        for (int k = 0; k < 5; k++) { TestBoards.PulseAll(board, w, 64, ref id); TestBoards.PulseAll(board, w, -64, ref id); }
        int stuck = 0, shrunk = 0;
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(640, tile.Wear[i]);
            if (tile.Stuck[i] != 0) stuck++;
            else if (Math.Abs(tile.WMax[i] - tile.WMin[i] - 0.3f * window0[i]) < 1e-5) shrunk++;
        }
        Assert.Equal(64, stuck + shrunk);
        Assert.InRange(stuck, 16, 48);
        Assert.Equal(640, board.ReadHealth().MaxCellPulses);
    }
}

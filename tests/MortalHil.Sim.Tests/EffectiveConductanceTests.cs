using MortalHil.Core.Devices;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

/// <summary>The incrementally kept effective conductances against a from-scratch recomputation.</summary>
public class EffectiveConductanceTests
{
    /// <summary>IR drop strong enough to matter, on a tile whose sizes are not multiples of the vector width.</summary>
    private static DevicePreset Preset(bool irDrop) => TestBoards.Small(BuiltInPresets.ReRam, 45, 37) with
    {
        IrDrop = new IrDropSpec { Enabled = irDrop, SegmentOhms = 0.05 },
    };

    private static void AssertMatchesFromScratch(SimulatedBoard board, DevicePreset preset)
    {
        for (int ti = 0; ti < preset.Geometry.Tiles; ti++)
        {
            var t = board.HiddenTile(ti);
            var factor = (float[])t.IrFactor.Clone();
            var effective = (float[])t.Effective.Clone();
            if (preset.IrDrop.Enabled) IrDropModel.Compute(t, preset.IrDrop.SegmentOhms);
            else IrDropModel.SetNone(t);
            Assert.Equal(t.IrFactor, factor);
            var expected = new float[t.Count];
            for (int i = 0; i < t.Rows; i++)
                for (int j = 0; j < t.Columns; j++)
                    expected[i * t.Columns + j] = t.Visible[i * t.Columns + j] * t.IrFactor[i * t.Columns + j] * t.ColumnGain[j];
            Assert.Equal(expected, effective);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void After_pulses_and_time_the_effective_conductances_equal_a_full_recomputation_bit_for_bit(bool irDrop)
    {
        var preset = Preset(irDrop);
        using var board = SimulatedBoard.Create(preset, "eff-1");
        AssertMatchesFromScratch(board, preset);
        var rng = new Random(4);
        ulong id = 1;
        var windows = new[]
        {
            new CrossbarWindow(0, 0, 1, 0, 1), new CrossbarWindow(0, 44, 1, 36, 1), new CrossbarWindow(1, 3, 20, 5, 17),
            new CrossbarWindow(0, 10, 35, 0, 37), new CrossbarWindow(1, 0, 45, 30, 7), CrossbarWindow.Whole(0, board.Description.Geometry),
        };
        foreach (var w in windows)
        {
            var counts = Enumerable.Range(0, w.CellCount).Select(_ => (short)rng.Next(-30, 31)).ToArray();
            board.ApplyCellPulses(TestBoards.Nominal(board, id++), w, counts);
            AssertMatchesFromScratch(board, preset);
        }
        board.AdvanceTime(TimeSpan.FromDays(400));
        AssertMatchesFromScratch(board, preset);
    }

    [Fact]
    public void A_pulse_changes_the_ir_drop_of_its_rows_and_columns_only()
    {
        var preset = Preset(irDrop: true);
        using var board = SimulatedBoard.Create(preset, "eff-2");
        var t = board.HiddenTile(0);
        var before = (float[])t.IrFactor.Clone();
        ulong id = 1;
        var w = new CrossbarWindow(0, 20, 1, 11, 3);
        board.ApplyCellPulses(TestBoards.Nominal(board, id), w, [60, 60, 60]);
        int changedOutside = 0, changedInside = 0;
        for (int i = 0; i < t.Rows; i++)
            for (int j = 0; j < t.Columns; j++)
            {
                bool changed = before[i * t.Columns + j] != t.IrFactor[i * t.Columns + j];
                if (i == 20 || j is >= 11 and <= 13) changedInside += changed ? 1 : 0;
                else changedOutside += changed ? 1 : 0;
            }
        Assert.Equal(0, changedOutside);
        Assert.True(changedInside > 0);
    }

    [Fact]
    public void The_boards_stuck_cell_count_follows_wear_ageing_and_reloading()
    {
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 12, 10) with
        {
            Endurance = new EnduranceSpec { Enabled = true, MedianPulses = 150, LogSpread = 0.3, StuckFraction = 0.6, WindowKept = 0.3 },
            Ageing = BuiltInPresets.ReRam.Ageing with { StuckPerCellPerYear = 0.05, DeadStuckFraction = 1, LifetimeYears = 1000 },
        };
        using var board = SimulatedBoard.Create(preset, "stuck-1");
        long Actual() => Enumerable.Range(0, preset.Geometry.Tiles).Sum(t => (long)board.HiddenTile(t).StuckCount());
        Assert.Equal(Actual(), board.StuckCells);
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        ulong id = 1;
        long before = board.StuckCells;
        for (int k = 0; k < 4; k++)
        {
            TestBoards.PulseAll(board, w, 60, ref id);
            TestBoards.PulseAll(board, w, -60, ref id);
            Assert.Equal(Actual(), board.StuckCells);
        }
        Assert.True(board.StuckCells > before); // wear stuck some
        before = board.StuckCells;
        board.AdvanceTime(TimeSpan.FromDays(3 * 365));
        Assert.True(board.StuckCells > before); // age stuck more
        Assert.Equal(Actual(), board.StuckCells);
        string path = Path.Combine(Path.GetTempPath(), $"mh-stuck-{Environment.ProcessId}-{Guid.NewGuid():N}.board");
        try
        {
            board.Save(path);
            using var loaded = SimulatedBoard.Load(path);
            Assert.Equal(board.StuckCells, loaded.StuckCells);
        }
        finally { File.Delete(path); }
    }
}

using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class ContractTests
{
    private static SimulatedBoard Board() => SimulatedBoard.Create(TestBoards.Small(BuiltInPresets.Ideal, 8, 6), "c-1");

    [Fact]
    public void A_repeated_pulse_id_is_applied_once()
    {
        using var board = Board();
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        var counts = Enumerable.Repeat((short)5, w.CellCount).ToArray();
        var first = board.ApplyCellPulses(TestBoards.Nominal(board, 42), w, counts);
        var g = TestBoards.Measure(board, w);
        var again = board.ApplyCellPulses(TestBoards.Nominal(board, 42), w, counts);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.PulsesApplied, again.PulsesApplied);
        Assert.Equal(g, TestBoards.Measure(board, w));
        Assert.Equal(first.PulsesApplied, board.ReadHealth().TotalPulses);
        // The outer-product form shares the same ledger.
        var trains = new OuterProductTrains(1, Enumerable.Repeat(1UL, 8).ToArray(), Enumerable.Repeat((sbyte)1, 8).ToArray(),
            Enumerable.Repeat(1UL, 6).ToArray(), Enumerable.Repeat((sbyte)1, 6).ToArray());
        Assert.True(board.ApplyOuterProductPulses(TestBoards.Nominal(board, 42), w, trains).Duplicate);
        Assert.Equal(g, TestBoards.Measure(board, w));
    }

    [Fact]
    public void Reads_outside_the_safe_limits_are_refused()
    {
        using var board = Board();
        var d = board.Description;
        var w = CrossbarWindow.Whole(0, d.Geometry);
        var y = new float[w.ColumnCount];
        var v = new float[w.RowCount];
        v[3] = d.Limits.MaxReadVolts * 1.01f;
        Assert.Throws<DeviceLimitException>(() => board.Read(w, v, y));
        v[3] = float.NaN;
        Assert.Throws<DeviceLimitException>(() => board.Read(w, v, y));
        Assert.Throws<DeviceLimitException>(() => board.Read(new CrossbarWindow(2, 0, 8, 0, 6), new float[8], new float[6]));
        Assert.Throws<DeviceLimitException>(() => board.Read(new CrossbarWindow(0, 4, 5, 0, 6), new float[5], new float[6]));
        Assert.Throws<DeviceLimitException>(() => board.Read(w, new float[8 * (d.Limits.MaxBatch + 1)], new float[6 * (d.Limits.MaxBatch + 1)]));
        Assert.Throws<DeviceLimitException>(() => board.Read(w, new float[8], new float[5]));
    }

    [Fact]
    public void Pulses_outside_the_safe_limits_are_refused_and_change_nothing()
    {
        using var board = Board();
        var d = board.Description;
        var w = CrossbarWindow.Whole(0, d.Geometry);
        var g = TestBoards.Measure(board, w);
        var counts = Enumerable.Repeat((short)1, w.CellCount).ToArray();
        var nominal = TestBoards.Nominal(board, 1);
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(nominal with { AmplitudeVolts = d.Limits.MaxPulseVolts + 0.1f }, w, counts));
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(nominal with { WidthSeconds = d.Limits.MaxPulseWidthSeconds * 2 }, w, counts));
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(nominal with { Id = 0 }, w, counts));
        counts[5] = (short)(d.Limits.MaxPulsesPerCellPerRequest + 1);
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(nominal, w, counts));
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(nominal, w, new short[3]));
        Assert.Equal(g, TestBoards.Measure(board, w));
        Assert.Equal(0, board.ReadHealth().TotalPulses);
        // A refused request does not burn its id.
        Assert.False(board.ApplyCellPulses(nominal, w, new short[w.CellCount]).Duplicate);
    }

    [Fact]
    public void A_dead_board_refuses_every_call_but_describe()
    {
        var preset = TestBoards.Small(BuiltInPresets.ReRam, 8, 8) with
        {
            Ageing = BuiltInPresets.ReRam.Ageing with { LifetimeYears = 1, LifetimeShape = 3, StuckPerCellPerYear = 0 },
        };
        using var board = SimulatedBoard.Create(preset, "mortal-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        board.AdvanceTime(TimeSpan.FromDays(365 * 20));
        Assert.True(board.IsDead);
        Assert.NotNull(board.Description);
        Assert.Throws<DeviceFailedException>(() => board.Read(w, new float[8], new float[8]));
        Assert.Throws<DeviceFailedException>(() => board.MeasureConductances(w, new float[64]));
        Assert.Throws<DeviceFailedException>(() => board.ApplyCellPulses(TestBoards.Nominal(board, 1), w, new short[64]));
        Assert.Throws<DeviceFailedException>(() => board.ReadHealth());
    }
}

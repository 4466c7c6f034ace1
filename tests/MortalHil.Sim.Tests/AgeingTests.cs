using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

public class AgeingTests
{
    private static DevicePreset Ageing(double lifetimeYears, double stuckPerYear, double deadFraction) => TestBoards.Small(BuiltInPresets.ReRam, 16, 16) with
    {
        Ageing = BuiltInPresets.ReRam.Ageing with { LifetimeYears = lifetimeYears, StuckPerCellPerYear = stuckPerYear, DeadStuckFraction = deadFraction },
    };

    [Fact]
    public void Cells_stick_with_age_and_the_board_dies_gradually()
    {
        using var board = SimulatedBoard.Create(Ageing(0, 0.1, 0.3), "age-1");
        var w = CrossbarWindow.Whole(0, board.Description.Geometry);
        int StuckNow() => board.HiddenTile(0).StuckCount() + board.HiddenTile(1).StuckCount();
        int s0 = StuckNow();
        board.AdvanceTime(TimeSpan.FromDays(365));
        int s1 = StuckNow();
        Assert.True(s1 > s0);
        Assert.True(board.ReadHealth().SelfTestPassed || s1 > 51);
        // 1 - exp(-0.1 t) reaches 30% (minus the 3% from manufacture) after ~3.2 years.
        for (int year = 0; year < 10 && !board.IsDead; year++) board.AdvanceTime(TimeSpan.FromDays(365));
        Assert.True(board.IsDead);
        var e = Assert.Throws<DeviceFailedException>(() => board.Read(w, new float[16], new float[16]));
        Assert.Contains("worn out", e.Message);
    }

    [Fact]
    public void Ageing_is_the_same_in_one_long_step_or_many_short_ones()
    {
        var preset = Ageing(0, 0.05, 1);
        using var a = SimulatedBoard.Create(preset, "age-2");
        using var b = SimulatedBoard.Create(preset, "age-2");
        a.AdvanceTime(TimeSpan.FromDays(730));
        for (int m = 0; m < 24; m++) b.AdvanceTime(TimeSpan.FromDays(730 / 24.0));
        Assert.Equal(a.HiddenTile(0).Stuck, b.HiddenTile(0).Stuck);
    }

    [Fact]
    public void Sudden_death_comes_at_a_deterministic_age()
    {
        var preset = Ageing(5, 0, 1);
        double DeathYear(string serial)
        {
            using var board = SimulatedBoard.Create(preset, serial);
            int months = 0;
            while (!board.IsDead && months < 12 * 100) { board.AdvanceTime(TimeSpan.FromDays(365.25 / 12)); months++; }
            return months / 12.0;
        }
        double first = DeathYear("x-1"), again = DeathYear("x-1"); // two boards built from the same serial
        Assert.Equal(first, again);
        var years = Enumerable.Range(0, 8).Select(i => DeathYear($"y-{i}")).ToArray();
        Assert.True(years.Distinct().Count() > 4);
        Assert.All(years, y => Assert.InRange(y, 0.0, 100.0));
    }

    [Fact]
    public void Read_noise_rises_with_age()
    {
        using var board = SimulatedBoard.Create(Ageing(0, 0, 1), "age-3");
        var w = new CrossbarWindow(0, 0, 1, 0, 16);
        double Spread()
        {
            var a = TestBoards.Measure(board, w);
            var b = TestBoards.Measure(board, w);
            return a.Zip(b, (x, y) => Math.Abs(x - y)).Average();
        }
        double young = Enumerable.Range(0, 20).Average(_ => Spread());
        board.AdvanceTime(TimeSpan.FromDays(365 * 10));
        double old = Enumerable.Range(0, 20).Average(_ => Spread());
        Assert.True(old > 2 * young, $"young {young}, old {old}"); // 1 + 0.2 * 10 = 3x
    }
}

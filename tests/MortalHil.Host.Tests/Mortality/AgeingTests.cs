using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Health;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests.Mortality;

/// <summary>Ageing as the mortality code sees it: through the device contract only.</summary>
public class AgeingTests
{
    private static readonly CrossbarWindow Probe = new(1, 0, 32, 0, 32);
    private static readonly CrossbarWindow Census = new(0, 0, 64, 0, 64);

    private static HealthMonitor Monitor(SimulatedBoard board) =>
        new(board, null, null, new HealthMonitorOptions { CensusWindows = [Census], ProbeWindow = Probe }, new PulseIdSource(1));

    [Fact]
    public void Stuck_cells_found_by_the_monitor_only_ever_increase_with_age()
    {
        var board = SimulatedBoard.Create(MortalityFixture.AgeingPreset, "5");
        var monitor = Monitor(board);
        var stuck = new List<double>();
        for (int year = 0; year <= 10; year++)
        {
            stuck.Add(monitor.Check().StuckFraction!.Value);
            board.AdvanceTime(TimeSpan.FromDays(365.25));
        }
        for (int i = 1; i < stuck.Count; i++) Assert.True(stuck[i] >= stuck[i - 1], $"stuck fraction fell from {stuck[i - 1]} to {stuck[i]} in year {i}");
        // 3 % per cell per year: about 26 % stuck after 10 years (1 - exp(-0.3)).
        Assert.InRange(stuck[^1], 0.20, 0.32);
    }

    [Fact]
    public void Two_boards_of_one_serial_age_identically_whatever_the_step_size()
    {
        var a = SimulatedBoard.Create(MortalityFixture.AgeingPreset, "9");
        var b = SimulatedBoard.Create(MortalityFixture.AgeingPreset, "9");
        a.AdvanceTime(TimeSpan.FromDays(4 * 365.25));
        for (int i = 0; i < 48; i++) b.AdvanceTime(TimeSpan.FromDays(365.25 / 12));
        var ga = new float[Census.CellCount];
        var gb = new float[Census.CellCount];
        a.MeasureConductances(Census, ga);
        b.MeasureConductances(Census, gb);
        Assert.Equal(ga, gb);
        Assert.Equal(Monitor(a).Check().StuckFraction, Monitor(b).Check().StuckFraction);
    }

    [Fact]
    public void The_write_probe_counts_the_stuck_cells_of_a_reram_board_without_mistaking_write_noise_for_them()
    {
        // reram: 3 % stuck from manufacture, 1 % of the cells per year after (plus read noise growing 20 % a year,
        // which raises the probe's noise threshold). A healthy cell whose write noise cancels its move in both legs
        // must not count: with the probe settled on the median move, the estimate read 6 % on a new board.
        var board = SimulatedBoard.Create(BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 2, Rows = 128, Columns = 128 } }, "17");
        var monitor = new HealthMonitor(board, null, null, new HealthMonitorOptions { ProbeWindow = new CrossbarWindow(1, 0, 64, 0, 64) }, new PulseIdSource(1));
        double atStart = monitor.Check().StuckFraction!.Value;
        board.AdvanceTime(TimeSpan.FromDays(5 * 365.25));
        double atFive = monitor.Check().StuckFraction!.Value;
        Assert.InRange(atStart, 0.015, 0.045);
        Assert.InRange(atFive, 1 - 0.97 * Math.Exp(-0.05) - 0.02, 1 - 0.97 * Math.Exp(-0.05) + 0.025); // about 7.7 %
    }

    [Fact]
    public void A_board_that_died_of_age_stays_dead()
    {
        var board = SimulatedBoard.Create(BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 2, Rows = 64, Columns = 64 } }, "42");
        int years = 0;
        while (!board.IsDead && years < 100) { board.AdvanceTime(TimeSpan.FromDays(365.25)); years++; }
        Assert.True(board.IsDead, "a reram board lived 100 years");
        for (int i = 0; i < 3; i++)
        {
            board.AdvanceTime(TimeSpan.FromDays(30));
            Assert.Throws<DeviceFailedException>(() => board.ReadHealth());
            Assert.Throws<DeviceFailedException>(() => Monitor(board).Check());
        }
    }
}

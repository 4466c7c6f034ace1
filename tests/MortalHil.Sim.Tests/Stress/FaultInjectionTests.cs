using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;
using MortalHil.Stress.Faults;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Sim.Tests.Stress;

public class FaultInjectionTests
{
    private static SimulatedBoard Board(string serial) => SimulatedBoard.Create(TestBoards.QuietReRam(8, 8), serial);

    [Fact]
    public void A_host_kill_switch_trips_on_the_chosen_call_and_stays_tripped_until_restart()
    {
        var host = new HostCrashSwitch();
        var link = new FaultyLink(Board("h-1"), new LinkFaults(0, 0.5, 0, 0), host, 1);
        host.Arm(2);
        link.ReadHealth();
        link.ReadHealth();
        Assert.Throws<HostCrashedException>(() => link.ReadHealth());
        Assert.Throws<HostCrashedException>(() => link.ReadHealth());
        host.Restart();
        Assert.True(link.ReadHealth().Alive);
    }

    [Fact]
    public void A_retried_pulse_whose_answer_was_lost_is_applied_once()
    {
        var board = Board("h-2");
        // Every failure loses the response after the board acted: the worst case for "applied twice".
        var link = new FaultyLink(board, new LinkFaults(0.3, 1.0, 0, 0), new HostCrashSwitch(), 7);
        var driver = new RetryingLink(link, maxRetries: 20);
        var w = new CrossbarWindow(0, 0, 4, 0, 4);
        var counts = new short[16];
        Array.Fill(counts, (short)3);
        long applied = 0;
        for (ulong id = 1; id <= 50; id++) applied += driver.ApplyCellPulses(TestBoards.Nominal(board, id), w, counts).PulsesApplied;
        Assert.True(link.ResponsesLost > 0, "no response was lost");
        Assert.True(link.DuplicatePulseRequests > 0, "no retry reached the board again");
        Assert.Equal(50 * 48, board.ReadHealth().TotalPulses);
        Assert.Equal(board.ReadHealth().TotalPulses, link.PulsesFirstApplied);
        Assert.Equal(50 * 48, applied);
    }

    [Fact]
    public void A_link_that_keeps_failing_is_declared_lost_after_its_retries()
    {
        var link = new FaultyLink(Board("h-3"), new LinkFaults(0.5, 0, 0, 0), new HostCrashSwitch(), 3);
        var driver = new RetryingLink(link, maxRetries: 0);
        var e = Record.Exception(() => { for (int i = 0; i < 100; i++) driver.ReadHealth(); });
        var io = Assert.IsType<IOException>(e);
        Assert.Contains("lost after 0 retries", io.Message);
        Assert.Equal(1, driver.LinksLost);
    }

    [Fact]
    public void A_delayed_kill_fires_on_its_call_and_the_board_stays_dead()
    {
        var link = new FaultyLink(Board("h-4"), new LinkFaults(0, 0.5, 0, 0), new HostCrashSwitch(), 1);
        link.KillAfter(1, "injected: test");
        link.ReadHealth();
        Assert.Throws<DeviceFailedException>(() => link.ReadHealth());
        Assert.True(link.IsDead);
        Assert.Throws<DeviceFailedException>(() => link.ReadHealth());
        Assert.Equal("injected: test", link.DeathReason);
    }

    [Fact]
    public void A_shock_kills_the_board_when_its_clock_reaches_the_shock_age()
    {
        var link = new FaultyLink(Board("h-5"), new LinkFaults(0, 0.5, 0, 0), new HostCrashSwitch(), 1, TimeSpan.FromDays(10));
        link.AdvanceBoardClock(TimeSpan.FromDays(9));
        Assert.False(link.IsDead);
        link.AdvanceBoardClock(TimeSpan.FromDays(2));
        Assert.True(link.IsDead);
        Assert.StartsWith("shock", link.DeathReason);
    }
}

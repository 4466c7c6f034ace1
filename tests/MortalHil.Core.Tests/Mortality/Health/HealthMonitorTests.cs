using MortalHil.Core.Learning;
using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Core.Tests.Mortality.Fakes;

namespace MortalHil.Core.Tests.Mortality.Health;

public class HealthMonitorTests
{
    // Small() is 2 tiles of 8x6: the "network" lives on tile 0, spare cells on tile 1.
    private static readonly CrossbarWindow Network = new(0, 0, 8, 0, 6);
    private static readonly CrossbarWindow Spare = new(1, 0, 4, 0, 6);

    private static HealthMonitor Monitor(FakeCrossbar board, IClassifier? model = null, LabelledSet? canary = null) =>
        new(board, model, canary, new HealthMonitorOptions { CensusWindows = [Network], ProbeWindow = Spare }, new PulseIdSource(1));

    [Fact]
    public void A_healthy_board_has_no_stuck_cells_and_no_write_failures()
    {
        var board = new FakeCrossbar();
        var s = Monitor(board).Check();
        Assert.Equal(0, s.StuckFraction);
        Assert.Equal(0, s.WriteFailureFraction);
    }

    [Fact]
    public void Stuck_probe_cells_are_found_by_measurement_alone()
    {
        var board = new FakeCrossbar();
        board.MakeStuck(1, 0, 0, atMax: false);
        board.MakeStuck(1, 2, 3, atMax: true);
        board.MakeStuck(1, 3, 5, atMax: false);
        var s = Monitor(board).Check();
        Assert.Equal(3.0 / Spare.CellCount, s.StuckFraction!.Value, 9);
        Assert.True(s.WriteFailureFraction >= 3.0 / Spare.CellCount);
    }

    [Fact]
    public void Weakening_cells_show_as_write_failures_before_they_stick()
    {
        var board = new FakeCrossbar();
        var m = Monitor(board);
        Assert.Equal(0, m.Check().WriteFailureFraction);
        board.SetStep(0.001f); // a tenth of the response the first probe saw, still well above noise
        var s = m.Check();
        Assert.Equal(0, s.StuckFraction);
        Assert.Equal(1, s.WriteFailureFraction);
    }

    [Fact]
    public void Cells_that_move_less_than_the_noise_in_a_few_pulses_are_probed_harder_not_called_stuck()
    {
        // 0.05 % of the window per pulse, read noise 0.2 %: 8 pulses are lost in the noise.
        var board = new FakeCrossbar(stepFraction: 0.0005f, measureNoiseFraction: 0.002);
        var m = Monitor(board);
        var first = m.Check();
        Assert.Equal(0, first.StuckFraction);
        Assert.True(first.ProbePulsesApplied >= 2 * 64 * Spare.CellCount, $"only {first.ProbePulsesApplied} probe pulses");
        var second = m.Check();
        Assert.Equal(0, second.StuckFraction);
        Assert.True(second.ProbePulsesApplied < first.ProbePulsesApplied, "later probes reuse the count the first one settled on");
    }

    [Fact]
    public void The_monitor_never_pulses_the_network_cells()
    {
        var board = new FakeCrossbar();
        var m = Monitor(board);
        for (int i = 0; i < 3; i++) { m.Check(); board.AdvanceTime(TimeSpan.FromHours(1)); }
        for (int r = 0; r < Network.RowCount; r++)
            for (int c = 0; c < Network.ColumnCount; c++)
                Assert.DoesNotContain(board.Index(0, r, c), board.PulsedCells);
        Assert.NotEmpty(board.PulsedCells);
    }

    [Fact]
    public void Drift_grows_with_time_and_is_near_zero_without_it()
    {
        var board = new FakeCrossbar { DriftPerHour = 0.001 };
        var m = Monitor(board);
        Assert.Equal(0, m.Check().DriftFraction);
        board.AdvanceTime(TimeSpan.FromHours(10));
        double d10 = m.Check().DriftFraction;
        board.AdvanceTime(TimeSpan.FromHours(10));
        double d20 = m.Check().DriftFraction;
        Assert.InRange(d10, 0.008, 0.012);
        Assert.InRange(d20, 0.018, 0.022);

        var still = new FakeCrossbar { DriftPerHour = 0 };
        var ms = Monitor(still);
        ms.Check();
        still.AdvanceTime(TimeSpan.FromHours(10));
        Assert.InRange(ms.Check().DriftFraction, 0, 0.0005);
    }

    [Fact]
    public void Reprogramming_the_board_restarts_the_drift_reference()
    {
        var board = new FakeCrossbar { DriftPerHour = 0.001 };
        var m = Monitor(board);
        m.Check();
        board.AdvanceTime(TimeSpan.FromHours(10));
        board.ApplyCellPulses(new PulseRequest(999_999, 1.5f, 1e-6f), Network, new short[Network.CellCount]);
        board.ApplyCellPulses(new PulseRequest(999_998, 1.5f, 1e-6f), Network with { RowCount = 1 }, Enumerable.Repeat((short)1, 6).ToArray());
        var s = m.Check();
        Assert.True(s.DriftRebaselined);
        Assert.Equal(0, s.DriftFraction);
        Assert.Single(m.Series.Signal(HealthSignals.DriftFraction));
    }

    [Fact]
    public void Cells_at_the_window_edge_are_counted()
    {
        var board = new FakeCrossbar();
        board.MakeStuck(0, 1, 1, atMax: true);
        board.MakeStuck(0, 5, 2, atMax: false);
        Assert.Equal(2.0 / Network.CellCount, Monitor(board).Check().EdgeFraction, 9);
    }

    [Fact]
    public void Canary_accuracy_is_the_share_the_model_gets_right()
    {
        var board = new FakeCrossbar();
        var canary = new LabelledSet([0, 1, 1, 0, 1, 0, 0, 1], [0, 1, 0, 1], 2);
        var s = Monitor(board, new PickLargerInput(), canary).Check();
        Assert.Equal(0.5, s.CanaryAccuracy);
    }

    [Fact]
    public void A_dead_board_fails_the_check()
    {
        var board = new FakeCrossbar { Dead = true };
        Assert.Throws<DeviceFailedException>(() => Monitor(board).Check());
    }

    [Fact]
    public void A_probe_overlapping_the_network_is_refused()
    {
        var board = new FakeCrossbar();
        Assert.Throws<ArgumentException>(() => new HealthMonitor(board, null, null,
            new HealthMonitorOptions { CensusWindows = [Network], ProbeWindow = new CrossbarWindow(0, 7, 1, 0, 6) }, new PulseIdSource(1)));
    }

    /// <summary>Two inputs, two classes: predicts the index of the larger input.</summary>
    private sealed class PickLargerInput : IClassifier
    {
        public int InputCount => 2;
        public int ClassCount => 2;
        public void Predict(ReadOnlySpan<float> inputs, int batch, Span<float> logits) => inputs[..(batch * 2)].CopyTo(logits);
    }
}

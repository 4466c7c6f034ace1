using MortalHil.Core.Devices;
using MortalHil.Hardware.Spi;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Tests.Spi;

/// <summary>The SPI board measures the pulse widths it produced and refuses widths it cannot time.</summary>
public class PulseTimingTests
{
    private static SpiBoard DryRun(Func<SpiBoardProfile, SpiBoardProfile> change)
    {
        var p = change(SpiBoardProfileJson.Load(Path.Combine(AppContext.BaseDirectory, "profiles", "pi-spi0-4x4.json")));
        var path = Path.Combine(Path.GetTempPath(), $"mh-timing-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, SpiBoardProfileJson.Serialize(p));
        try { return SpiBoard.OpenDryRun(path); }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Every_pulse_is_measured_and_none_was_shorter_than_requested()
    {
        using var board = DryRun(p => p);
        var window = new CrossbarWindow(0, 0, 2, 0, 2);
        board.ApplyCellPulses(new PulseRequest(7, 1.5f, 20e-6f), window, [3, -2, 0, 4]);
        var t = board.LastPulseTiming!;
        Assert.Equal(9, t.Pulses);
        Assert.Equal(20e-6, t.RequestedSeconds, 9);
        Assert.True(t.ShortestSeconds >= 20e-6 * 0.999, $"shortest {t.ShortestSeconds}");
        Assert.True(t.LongestSeconds >= t.ShortestSeconds && t.MeanSeconds >= t.ShortestSeconds);
    }

    [Fact]
    public void Widths_shorter_than_two_gpio_writes_are_refused()
    {
        using var board = DryRun(p => p with { Limits = p.Limits with { MinPulseWidthSeconds = 1e-10 } });
        double floor = board.WriteLatency.MinTimeableWidthSeconds;
        Assert.Equal(floor, board.Description.Limits.MinPulseWidth.Seconds, 12);
        var window = new CrossbarWindow(0, 0, 1, 0, 1);
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(new PulseRequest(1, 1.5f, (float)(floor / 4)), window, [1]));
    }
}

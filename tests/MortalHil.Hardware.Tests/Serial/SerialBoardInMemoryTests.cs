using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Tests.Fakes;

namespace MortalHil.Hardware.Tests.Serial;

public class SerialBoardInMemoryTests
{
    private static float[] Inputs(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.2)).ToArray();
    }

    [Fact]
    public void A_board_over_the_link_describes_itself_as_the_served_device()
    {
        var device = new IdealCrossbarFake();
        using var f = new VirtualBoardFixture(device);
        Assert.Equal(device.Description.SerialNumber, f.Board.Description.SerialNumber);
        Assert.Equal(device.Description.Geometry, f.Board.Description.Geometry);
        Assert.Equal(device.Description.Limits.MaxBatch, f.Board.Description.Limits.MaxBatch);
    }

    [Fact]
    public void Reads_over_the_link_equal_reads_on_the_device_even_when_split_into_many_frames()
    {
        var device = new IdealCrossbarFake(IdealCrossbarFake.Describe(rows: 64, columns: 48, maxBatch: 200));
        using var f = new VirtualBoardFixture(device, maxPayload: 1024);
        var window = new CrossbarWindow(1, 0, 64, 0, 48);
        var x = Inputs(200 * 64, 1);
        var direct = new float[200 * 48];
        var remote = new float[200 * 48];
        device.Read(window, x, direct);
        long before = f.Board.LinkStatistics.FramesSent;
        f.Board.Read(window, x, remote, AnalogActivation.None);
        Assert.Equal(direct, remote);
        // 1,024-byte frames carry 3 vectors of 64 rows: 67 frames, not one.
        Assert.Equal(67, f.Board.LinkStatistics.FramesSent - before);
    }

    [Fact]
    public void Pulses_split_into_row_bands_are_each_applied_once_and_a_repeat_applies_nothing()
    {
        var device = new IdealCrossbarFake(IdealCrossbarFake.Describe(rows: 64, columns: 32));
        var reference = new IdealCrossbarFake(IdealCrossbarFake.Describe(rows: 64, columns: 32));
        using var f = new VirtualBoardFixture(device, maxPayload: 1024);
        var window = new CrossbarWindow(0, 0, 64, 0, 32);
        var rng = new Random(2);
        var counts = Enumerable.Range(0, 64 * 32).Select(_ => (short)rng.Next(-5, 6)).ToArray();
        var request = new PulseRequest(42, 1.5f, 1e-6f);
        var first = f.Board.ApplyCellPulses(request, window, counts);
        var expected = reference.ApplyCellPulses(request, window, counts);
        Assert.False(first.Duplicate);
        Assert.Equal(expected.PulsesApplied, first.PulsesApplied);
        Assert.True(device.PulseApplications > 1); // really split
        int applications = device.PulseApplications;

        var again = f.Board.ApplyCellPulses(request, window, counts);
        Assert.True(again.Duplicate);
        Assert.Equal(first.PulsesApplied, again.PulsesApplied);
        Assert.Equal(applications, device.PulseApplications);
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 32; j++)
                Assert.Equal(reference.Conductance(0, i, j), device.Conductance(0, i, j));
    }

    [Fact]
    public void Outer_product_measure_and_health_pass_through()
    {
        var device = new IdealCrossbarFake();
        // A generous timeout: this test counts frames, and a retry caused by a loaded machine would skew the count.
        using var f = new VirtualBoardFixture(device, options: VirtualBoardFixture.Fast with { ResponseTimeout = TimeSpan.FromSeconds(10) });
        var window = new CrossbarWindow(0, 1, 3, 2, 2);
        var receipt = f.Board.ApplyOuterProductPulses(new PulseRequest(7, 1.5f, 1e-6f), window,
            new OuterProductTrains(4, [0b1111, 0b0011, 0], [1, -1, 1], [0b0101, 0b1111], [1, 1]));
        Assert.Equal(2 + 4 + 1 + 2, receipt.PulsesApplied);
        var g = new float[6];
        f.Board.MeasureConductances(window, g);
        var expected = new float[6];
        device.MeasureConductances(window, expected);
        Assert.Equal(expected, g);
        var h = f.Board.ReadHealth();
        Assert.True(h.Alive);
        Assert.Equal(9, h.TotalPulses);
        Assert.Equal(31.5, h.Temperature.DegreesCelsius, 9);
        Assert.True(h.Link.FramesSent >= 4);
        Assert.Equal(h.Link.FramesSent, h.Link.FramesReceived);
    }

    [Fact]
    public void Out_of_limit_requests_are_refused_before_anything_is_sent()
    {
        var device = new IdealCrossbarFake();
        using var f = new VirtualBoardFixture(device);
        long sent = f.Board.LinkStatistics.FramesSent;
        var window = new CrossbarWindow(0, 0, 2, 0, 2);
        Assert.Throws<DeviceLimitException>(() => f.Board.Read(window, [0.5f, 0], new float[2]));
        Assert.Throws<DeviceLimitException>(() => f.Board.ApplyCellPulses(new PulseRequest(1, 9f, 1e-6f), window, new short[4]));
        Assert.Throws<DeviceLimitException>(() => f.Board.ApplyCellPulses(new PulseRequest(1, 1f, 1e-6f), window, [0, 0, 0, 99]));
        Assert.Throws<DeviceLimitException>(() => f.Board.MeasureConductances(new CrossbarWindow(5, 0, 1, 0, 1), new float[1]));
        Assert.Equal(sent, f.Board.LinkStatistics.FramesSent);
        Assert.Equal(0, device.PulseApplications);
    }

    [Fact]
    public void A_board_that_died_raises_DeviceFailedException_over_the_link()
    {
        var device = new IdealCrossbarFake();
        using var f = new VirtualBoardFixture(device);
        device.Dead = true;
        Assert.Throws<DeviceFailedException>(() => f.Board.ReadHealth());
    }

    [Fact]
    public void A_board_that_never_answers_fails_within_the_retry_budget()
    {
        var link = new MortalHil.Hardware.Virtual.InMemoryLink();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var options = VirtualBoardFixture.Fast with { MaxRetries = 3 };
        var e = Assert.Throws<DeviceFailedException>(() => new MortalHil.Hardware.Serial.SerialBoard(link, options));
        Assert.Contains("4 attempts", e.Message);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"took {started.Elapsed}");
    }

    [Fact]
    public void A_missing_port_that_never_appears_fails_after_the_reconnect_window()
    {
        var link = new MortalHil.Hardware.Virtual.InMemoryLink { Present = false };
        var options = VirtualBoardFixture.Fast with { ReconnectWindow = TimeSpan.FromMilliseconds(300) };
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Throws<DeviceFailedException>(() => new MortalHil.Hardware.Serial.SerialBoard(link, options));
        Assert.InRange(started.Elapsed.TotalMilliseconds, 250, 3000);
    }

    [Fact]
    public async Task The_board_reconnects_when_the_port_disappears_and_comes_back()
    {
        var device = new IdealCrossbarFake();
        using var f = new VirtualBoardFixture(device);
        var window = new CrossbarWindow(0, 0, 8, 0, 6);
        var y = new float[6];
        f.Board.Read(window, Inputs(8, 3), y);
        f.Link.Present = false;
        f.Link.Unplug();
        var back = Task.Run(async () => { await Task.Delay(300); f.Link.Present = true; });
        var receipt = f.Board.ApplyCellPulses(new PulseRequest(11, 1.5f, 1e-6f), window, Enumerable.Repeat((short)1, 48).ToArray());
        await back;
        Assert.Equal(48, receipt.PulsesApplied);
        Assert.Equal(1, device.PulseApplications);
        Assert.Equal(1, f.Board.LinkStatistics.Reconnects);
        Assert.Equal(2, f.Link.Connections);
    }

    [Fact]
    public async Task A_different_board_behind_the_same_port_after_a_reconnect_is_refused()
    {
        var link = new MortalHil.Hardware.Virtual.InMemoryLink();
        using var stop = new CancellationTokenSource();
        var first = new MortalHil.Hardware.Virtual.BoardProtocolServer(new IdealCrossbarFake());
        var other = new MortalHil.Hardware.Virtual.BoardProtocolServer(new IdealCrossbarFake(IdealCrossbarFake.Describe() with { SerialNumber = "OTHER" }));
        var serving = Task.Factory.StartNew(() =>
        {
            first.Serve(link.Accept(stop.Token), stop.Token);
            other.ServeConnectionsAsync(link, stop.Token).Wait();
        }, TaskCreationOptions.LongRunning);
        using var board = new MortalHil.Hardware.Serial.SerialBoard(link, VirtualBoardFixture.Fast);
        link.Unplug();
        var e = Assert.Throws<DeviceFailedException>(() => board.ApplyCellPulses(new PulseRequest(5, 1.5f, 1e-6f), new CrossbarWindow(0, 0, 1, 0, 1), [1]));
        Assert.Contains("OTHER", e.Message);
        Assert.Equal(0, other.Counters.PulseCallsForwarded);
        stop.Cancel();
        link.Unplug();
        await serving.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

using MortalHil.Core.Devices;
using MortalHil.Hardware.Spi.Profile;

namespace MortalHil.Hardware.Tests.Spi;

public class SpiBoardTests
{
    internal static SpiBoardProfile Example(string mode = "gpio")
    {
        var p = SpiBoardProfileJson.Load(Path.Combine(AppContext.BaseDirectory, "profiles", "pi-hat-8x4.json"));
        return mode == "gpio" ? p : p with { Selection = new CellSelection { Mode = "shiftRegister", DataPin = 5, ClockPin = 6, LatchPin = 12 } };
    }

    private static double[,] Conductances(int seed)
    {
        var rng = new Random(seed);
        var g = new double[8, 4];
        for (int i = 0; i < 8; i++) for (int j = 0; j < 4; j++) g[i, j] = 5e-6 + rng.NextDouble() * 20e-6;
        return g;
    }

    /// <summary>One ADC step in amperes on the example profile: 3.3 V / 4096 / 10 kohm.</summary>
    private const double Lsb = 3.3 / 4096 / 10_000;

    [Theory]
    [InlineData("gpio")]
    [InlineData("shiftRegister")]
    public void Reads_through_the_real_driver_bytes_match_ohm_and_kirchhoff_within_one_adc_step(string mode)
    {
        var fe = SimulatedFrontEnd.Create(Example(mode), Conductances(1));
        using var board = fe.OpenBoard();
        Assert.True(board.SelfTestPassed);
        var window = new CrossbarWindow(0, 2, 5, 1, 3);
        var rng = new Random(2);
        var x = Enumerable.Range(0, 10 * 5).Select(_ => (float)(rng.NextDouble() * 0.4 - 0.2)).ToArray();
        var y = new float[10 * 3];
        board.Read(window, x, y);
        for (int b = 0; b < 10; b++)
            for (int j = 0; j < 3; j++)
            {
                double expected = 0;
                for (int i = 0; i < 5; i++) expected += x[b * 5 + i] * fe.G[2 + i, 1 + j];
                Assert.InRange(y[b * 3 + j], expected - 1.5 * Lsb, expected + 1.5 * Lsb);
            }
        Assert.All(fe.Dacs, d => Assert.Equal(0, d.BadFrames));
        // after the read every row is back at 0 V
        for (int r = 0; r < 8; r++) Assert.Equal(0, fe.RowVolts(r), 4);
    }

    [Theory]
    [InlineData("gpio")]
    [InlineData("shiftRegister")]
    public void Pulses_move_exactly_the_addressed_cells_by_their_counts_and_a_repeat_moves_nothing(string mode)
    {
        var fe = SimulatedFrontEnd.Create(Example(mode), Conductances(3));
        var before = (double[,])fe.G.Clone();
        using var board = fe.OpenBoard();
        var window = new CrossbarWindow(0, 1, 2, 2, 2);
        short[] counts = [3, 0, -2, 5];
        var request = new PulseRequest(99, 1.5f, 10e-6f);
        var receipt = board.ApplyCellPulses(request, window, counts);
        Assert.Equal(new PulseReceipt(99, 10, false), receipt);
        Assert.Equal(10, fe.PulsesSeen);
        Assert.Equal(0, fe.StrayPulses);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 4; j++)
            {
                int k = i is 1 or 2 && j is 2 or 3 ? counts[(i - 1) * 2 + (j - 2)] : 0;
                Assert.Equal(before[i, j] + k * SimulatedFrontEnd.Step, fe.G[i, j], 12);
            }
        Assert.Equal(receipt with { Duplicate = true }, board.ApplyCellPulses(request, window, counts));
        Assert.Equal(10, fe.PulsesSeen);
        Assert.Equal(0, fe.PulseVolts); // the pulse path is disarmed between requests
        var h = board.ReadHealth();
        Assert.Equal(10, h.TotalPulses);
        Assert.Equal(5, h.MaxCellPulses);
    }

    [Fact]
    public void Measured_conductances_match_the_crossbar_within_the_converter_resolution()
    {
        var fe = SimulatedFrontEnd.Create(Example(), Conductances(4));
        using var board = fe.OpenBoard();
        var g = new float[32];
        board.MeasureConductances(new CrossbarWindow(0, 0, 8, 0, 4), g);
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 4; j++)
                Assert.InRange(g[i * 4 + j], fe.G[i, j] - 1.5 * Lsb / 0.1, fe.G[i, j] + 1.5 * Lsb / 0.1);
    }

    [Fact]
    public void No_voltage_past_the_safe_limits_is_ever_produced_and_out_of_limit_requests_send_nothing()
    {
        var p = Example();
        var fe = SimulatedFrontEnd.Create(p, Conductances(5));
        using var board = fe.OpenBoard();
        var whole = CrossbarWindow.Whole(0, board.Description.Geometry);
        var full = Enumerable.Range(0, 8 * 4).Select(i => i % 2 == 0 ? 0.2f : -0.2f).ToArray();
        board.Read(whole, full, new float[4 * 4]);
        board.ApplyCellPulses(new PulseRequest(1, (float)p.Limits.MaxPulseVolts, 1e-5f), whole, Enumerable.Repeat((short)1, 32).ToArray());
        long words = fe.Dacs.Sum(d => d.FramesReceived);
        long conversions = fe.Adcs.Sum(a => a.TransfersReceived);
        Assert.Throws<DeviceLimitException>(() => board.Read(whole, Enumerable.Repeat(0.25f, 8).ToArray(), new float[4]));
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(new PulseRequest(2, 3.5f, 1e-5f), whole, new short[32]));
        Assert.Throws<DeviceLimitException>(() => board.ApplyCellPulses(new PulseRequest(3, 1.5f, 1e-5f), whole, Enumerable.Repeat((short)40, 32).ToArray()));
        Assert.Throws<DeviceLimitException>(() => board.ApplyOuterProductPulses(new PulseRequest(4, 1.5f, 1e-5f), whole,
            new OuterProductTrains(1, new ulong[8], new sbyte[8], new ulong[4], new sbyte[4])));
        Assert.Equal(words, fe.Dacs.Sum(d => d.FramesReceived));
        Assert.Equal(conversions, fe.Adcs.Sum(a => a.TransfersReceived));
        Assert.InRange(fe.MaxAbsRowVolts, 0.19, p.Limits.MaxReadVolts + 1e-4);
        Assert.InRange(fe.MaxPulseVolts, 2.9, p.Limits.MaxPulseVolts);
    }

    [Fact]
    public void The_description_follows_the_profile()
    {
        var fe = SimulatedFrontEnd.Create(Example(), Conductances(6));
        using var board = fe.OpenBoard();
        var d = board.Description;
        Assert.Equal(("pi-hat-0001", new TileGeometry(8, 4), 1), (d.SerialNumber, d.Geometry, d.TileCount));
        Assert.Equal(0.2f, d.Dac.FullScaleVolts);
        Assert.Equal(165e-6, d.Adc.FullScaleAmps, 9);
        Assert.False(d.Capabilities.OuterProductPulses);
    }
}

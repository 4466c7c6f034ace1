using MortalHil.Core.Devices;

namespace MortalHil.Core.Tests.Devices;

public class DeviceGuardsTests
{
    private readonly DeviceDescription _d = TestDescriptions.Small();

    [Fact]
    public void A_read_within_limits_returns_the_batch_size()
    {
        var w = new CrossbarWindow(1, 2, 4, 1, 3);
        Assert.Equal(5, DeviceGuards.CheckRead(_d, w, new float[5 * 4], new float[5 * 3], AnalogActivation.None));
    }

    [Theory]
    [InlineData(0.21f)]
    [InlineData(-0.3f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void A_read_voltage_past_the_safe_limit_is_refused_not_clipped(float v)
    {
        var input = new float[8];
        input[3] = v;
        var e = Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckRead(_d, CrossbarWindow.Whole(0, _d.Geometry), input, new float[6], AnalogActivation.None));
        Assert.Contains("input 3", e.Message);
    }

    [Theory]
    [InlineData(397, 0.25f)]
    [InlineData(479, float.NaN)]
    [InlineData(8, -1f)]
    public void A_bad_voltage_deep_in_a_large_batch_is_found_and_named(int index, float v)
    {
        var input = new float[60 * 8];
        for (int i = 0; i < input.Length; i++) input[i] = 0.2f * ((i % 5) - 2) / 2;
        input[index] = v;
        var e = Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckRead(_d, CrossbarWindow.Whole(0, _d.Geometry), input, new float[60 * 6], AnalogActivation.None));
        Assert.Contains($"input {index} ", e.Message);
    }

    [Theory]
    [InlineData(2, 0, 8, 0, 6)]   // no such tile
    [InlineData(0, 1, 8, 0, 6)]   // rows overflow
    [InlineData(0, 0, 8, 4, 3)]   // columns overflow
    [InlineData(0, 0, 0, 0, 6)]   // empty
    [InlineData(-1, 0, 8, 0, 6)]  // negative tile
    public void Windows_off_the_board_are_refused(int tile, int r0, int rc, int c0, int cc)
        => Assert.Throws<DeviceLimitException>(() => new CrossbarWindow(tile, r0, rc, c0, cc).Validate(_d));

    [Fact]
    public void Batch_shape_mismatch_and_oversize_are_refused()
    {
        var w = CrossbarWindow.Whole(0, _d.Geometry);
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckRead(_d, w, new float[9], new float[6], AnalogActivation.None));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckRead(_d, w, new float[8], new float[7], AnalogActivation.None));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckRead(_d, w, new float[8 * 65], new float[6 * 65], AnalogActivation.None));
    }

    [Fact]
    public void An_activation_the_board_lacks_is_refused()
        => Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckRead(_d, CrossbarWindow.Whole(0, _d.Geometry), new float[8], new float[6], AnalogActivation.Tanh));

    [Theory]
    [InlineData(0UL, 1.5f, 1e-6f)]     // id zero
    [InlineData(7UL, 2.6f, 1e-6f)]     // over voltage
    [InlineData(7UL, -1f, 1e-6f)]      // negative amplitude
    [InlineData(7UL, 1.5f, 1e-9f)]     // too short
    [InlineData(7UL, 1.5f, 1e-3f)]     // too long
    [InlineData(7UL, float.NaN, 1e-6f)]
    public void Pulses_outside_the_safe_limits_are_refused(ulong id, float volts, float width)
        => Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckCellPulses(_d, new PulseRequest(id, volts, width), new CrossbarWindow(0, 0, 1, 0, 1), new short[1]));

    [Fact]
    public void Per_cell_counts_are_summed_and_bounded()
    {
        var r = new PulseRequest(9, 1.5f, 1e-6f);
        var w = new CrossbarWindow(0, 0, 1, 0, 3);
        Assert.Equal(31 + 2 + 0, DeviceGuards.CheckCellPulses(_d, r, w, new short[] { 31, -2, 0 }));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckCellPulses(_d, r, w, new short[] { 32, 0, 0 }));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckCellPulses(_d, r, w, new short[] { 1, 0 }));
    }

    [Fact]
    public void Outer_product_trains_must_fit_the_window_and_the_slots()
    {
        var r = new PulseRequest(9, 1.5f, 1e-6f);
        var w = new CrossbarWindow(0, 0, 2, 0, 2);
        DeviceGuards.CheckOuterProduct(_d, r, w, new OuterProductTrains(4, [0b1011, 0], [1, -1], [0b1111, 0b1], [1, 1]));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckOuterProduct(_d, r, w, new OuterProductTrains(3, [0b1011, 0], [1, -1], [0b111, 0b1], [1, 1])));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckOuterProduct(_d, r, w, new OuterProductTrains(4, [1], [1], [1, 1], [1, 1])));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckOuterProduct(_d, r, w, new OuterProductTrains(4, [1, 1], [2, 1], [1, 1], [1, 1])));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckOuterProduct(_d, r, w, new OuterProductTrains(40, [1, 1], [1, 1], [1, 1], [1, 1])));
        Assert.Throws<DeviceLimitException>(() => DeviceGuards.CheckOuterProduct(TestDescriptions.Small(outerProduct: false), r, w, new OuterProductTrains(4, [1, 1], [1, 1], [1, 1], [1, 1])));
    }

    [Fact]
    public void Pulse_ids_never_repeat_and_are_never_zero()
    {
        var s = new PulseIdSource(ulong.MaxValue - 1);
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 1000; i++) Assert.True(seen.Add(s.Next()));
        Assert.DoesNotContain(0UL, seen);
    }
}

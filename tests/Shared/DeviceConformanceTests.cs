using System.Numerics;
using MortalHil.Core.Devices;

namespace MortalHil.Testing;

/// <summary>
/// The <see cref="IDevice"/> contract as one suite every board and fake must pass, in the manner of
/// dotnet/runtime's StreamConformanceTests: a derived class says how to open a fresh board and which
/// optional behaviours it has (the capability switches below); the facts here are inherited.
/// </summary>
public abstract class DeviceConformanceTests
{
    /// <summary>A fresh board, never pulsed.</summary>
    protected abstract IDevice OpenDevice();

    /// <summary>MEASURE returns the same value twice with nothing in between (no measurement noise).</summary>
    protected virtual bool MeasurementIsExact => true;

    /// <summary>READ outputs lie on the ADC grid of PROTOCOL.md §4.1 (multiples of the step within ±full scale).</summary>
    protected virtual bool OutputsOnAdcGrid => true;

    /// <summary>Pulses move the conductance they target (false for boards whose cells barely move per pulse).</summary>
    protected virtual bool PulsesMoveConductance => true;

    /// <summary>HEALTH counts vectors read.</summary>
    protected virtual bool CountsReads => true;

    /// <summary>HEALTH tracks the most pulses any one cell has received.</summary>
    protected virtual bool TracksCellWear => true;

    /// <summary>Makes the board die, if the test can (null: it cannot).</summary>
    protected virtual Action<IDevice>? Kill => null;

    private static CrossbarWindow SmallWindow(IDevice d)
    {
        var g = d.Description.Geometry;
        return new CrossbarWindow(d.Description.TileCount - 1, 0, Math.Min(4, g.Rows), 0, Math.Min(3, g.Columns));
    }

    private static PulseRequest Nominal(IDevice d, ulong id) => new(id,
        (float)d.Description.Capabilities.NominalPulseVoltage.Volts, (float)d.Description.Capabilities.NominalPulseWidth.Seconds);

    private static float[] Measure(IDevice d, CrossbarWindow w)
    {
        var s = new float[w.CellCount];
        d.MeasureConductances(w, s);
        return s;
    }

    private static float[] Inputs(IDevice d, int count, int seed)
    {
        float vmax = MathF.Min(d.Description.Limits.MaxReadVolts, d.Description.Dac.FullScaleVolts);
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1) * vmax * 0.9f).ToArray();
    }

    [Fact]
    public void The_description_is_coherent()
    {
        using var d = OpenDevice();
        var x = d.Description;
        Assert.True(x.TileCount >= 1 && x.Geometry.Rows >= 1 && x.Geometry.Columns >= 1);
        Assert.False(string.IsNullOrEmpty(x.SerialNumber));
        Assert.True(x.Limits.MaxReadVolts > 0 && x.Limits.MaxPulseVolts > 0);
        Assert.True(x.Limits.MinPulseWidthSeconds > 0 && x.Limits.MinPulseWidthSeconds <= x.Limits.MaxPulseWidthSeconds);
        Assert.True(x.Limits.MaxPulsesPerCellPerRequest >= 1 && x.Limits.MaxBatch >= 1);
        Assert.True(x.GMinSiemens >= 0 && x.GMinSiemens < x.GMaxSiemens);
        var n = Nominal(d, 1);
        n.Validate(x); // the nominal pulse is within the board's own limits
    }

    [Fact]
    public void Reads_have_the_right_shape_and_stay_within_the_converters()
    {
        using var d = OpenDevice();
        var w = CrossbarWindow.Whole(0, d.Description.Geometry);
        int batch = Math.Min(5, d.Description.Limits.MaxBatch);
        var y = new float[batch * w.ColumnCount];
        d.Read(w, Inputs(d, batch * w.RowCount, 1), y);
        float fs = d.Description.Adc.FullScaleAmps, step = d.Description.Adc.StepAmps;
        foreach (float v in y)
        {
            Assert.True(float.IsFinite(v));
            if (!OutputsOnAdcGrid) continue;
            Assert.True(MathF.Abs(v) <= fs * (1 + 1e-6f), $"{v} A is beyond the ADC full scale {fs} A");
            float codes = v / step;
            Assert.True(MathF.Abs(codes - MathF.Round(codes)) < 1e-3f, $"{v} A is not on the ADC grid of {step} A");
        }
        if (CountsReads) Assert.True(d.ReadHealth().TotalReads >= 1);
    }

    [Fact]
    public void Activations_follow_their_nominal_curves()
    {
        using var d = OpenDevice();
        var x = d.Description;
        var w = CrossbarWindow.Whole(0, x.Geometry);
        int batch = Math.Min(8, x.Limits.MaxBatch);
        var v = Inputs(d, batch * w.RowCount, 2);
        var y = new float[batch * w.ColumnCount];
        float step = OutputsOnAdcGrid ? x.Adc.StepAmps : 0;
        if (x.Capabilities.Supports(AnalogActivation.Relu))
        {
            d.Read(w, v, y, AnalogActivation.Relu);
            Assert.All(y, a => Assert.True(a >= 0, $"ReLU gave {a} A"));
        }
        if (x.Capabilities.Supports(AnalogActivation.Tanh))
        {
            // PROTOCOL.md §4.1: s * tanh(i / s) with s = ADC full scale / 2, so never beyond s (plus half a step of rounding).
            d.Read(w, v, y, AnalogActivation.Tanh);
            float swing = 0.5f * x.Adc.FullScaleAmps;
            Assert.All(y, a => Assert.True(MathF.Abs(a) <= swing + step / 2 + swing * 1e-6f, $"tanh gave {a} A, swing {swing} A"));
        }
    }

    [Fact]
    public void Reads_outside_the_contract_are_refused()
    {
        using var d = OpenDevice();
        var x = d.Description;
        var w = SmallWindow(d);
        var y = new float[w.ColumnCount];
        float vmax = MathF.Min(x.Limits.MaxReadVolts, x.Dac.FullScaleVolts);
        var hot = new float[w.RowCount];
        hot[0] = MathF.BitIncrement(vmax);
        Assert.Throws<DeviceLimitException>(() => d.Read(w, hot, y));
        hot[0] = float.NaN;
        Assert.Throws<DeviceLimitException>(() => d.Read(w, hot, y));
        Assert.Throws<DeviceLimitException>(() => d.Read(w with { Tile = x.TileCount }, new float[w.RowCount], y));
        Assert.Throws<DeviceLimitException>(() => d.Read(w with { Row0 = x.Geometry.Rows - w.RowCount + 1 }, new float[w.RowCount], y));
        Assert.Throws<DeviceLimitException>(() => d.Read(w, [], []));
        Assert.Throws<DeviceLimitException>(() => d.Read(w, new float[w.RowCount], new float[w.ColumnCount + 1]));
        int over = x.Limits.MaxBatch + 1;
        Assert.Throws<DeviceLimitException>(() => d.Read(w, new float[over * w.RowCount], new float[over * w.ColumnCount]));
        foreach (var a in new[] { AnalogActivation.Relu, AnalogActivation.Tanh })
            if (!x.Capabilities.Supports(a))
                Assert.Throws<DeviceLimitException>(() => d.Read(w, new float[w.RowCount], y, a));
        // The limit itself, compared in f32, is allowed.
        var edge = new float[w.RowCount];
        edge[0] = vmax;
        edge[^1] = -vmax;
        d.Read(w, edge, y);
    }

    [Fact]
    public void Pulses_outside_the_contract_are_refused_change_nothing_and_do_not_burn_their_id()
    {
        using var d = OpenDevice();
        var x = d.Description;
        var w = SmallWindow(d);
        var before = Measure(d, w);
        var counts = Enumerable.Repeat((short)1, w.CellCount).ToArray();
        var n = Nominal(d, 11);
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n with { Id = 0 }, w, counts));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n with { AmplitudeVolts = 0 }, w, counts));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n with { AmplitudeVolts = MathF.BitIncrement(x.Limits.MaxPulseVolts) }, w, counts));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n with { AmplitudeVolts = float.NaN }, w, counts));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n with { WidthSeconds = MathF.BitDecrement(x.Limits.MinPulseWidthSeconds) }, w, counts));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n with { WidthSeconds = MathF.BitIncrement(x.Limits.MaxPulseWidthSeconds) }, w, counts));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n, w, new short[w.CellCount - 1]));
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n, w with { Tile = x.TileCount }, counts));
        var tooMany = (short[])counts.Clone();
        tooMany[^1] = (short)(x.Limits.MaxPulsesPerCellPerRequest + 1);
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n, w, tooMany));
        tooMany[^1] = (short)-(x.Limits.MaxPulsesPerCellPerRequest + 1);
        Assert.Throws<DeviceLimitException>(() => d.ApplyCellPulses(n, w, tooMany));
        Assert.Equal(0, d.ReadHealth().TotalPulses);
        if (MeasurementIsExact) Assert.Equal(before, Measure(d, w));
        var receipt = d.ApplyCellPulses(n, w, counts);
        Assert.False(receipt.Duplicate);
        Assert.Equal(w.CellCount, receipt.PulsesApplied);
    }

    [Fact]
    public void A_pulse_request_is_applied_exactly_once_whatever_form_the_repeat_takes()
    {
        using var d = OpenDevice();
        var w = SmallWindow(d);
        var counts = Enumerable.Range(0, w.CellCount).Select(i => (short)(i % 3 - 1) ).ToArray();
        counts[0] = 2;
        long expected = counts.Sum(c => Math.Abs((int)c));
        var first = d.ApplyCellPulses(Nominal(d, 21), w, counts);
        Assert.False(first.Duplicate);
        Assert.Equal(expected, first.PulsesApplied);
        var g = Measure(d, w);
        var again = d.ApplyCellPulses(Nominal(d, 21), w, counts);
        Assert.True(again.Duplicate);
        Assert.Equal(first.PulsesApplied, again.PulsesApplied);
        Assert.Equal(expected, d.ReadHealth().TotalPulses);
        if (MeasurementIsExact) Assert.Equal(g, Measure(d, w));
        if (d.Description.Capabilities.OuterProductPulses)
        {
            // The outer-product form shares the same ledger of ids.
            var t = Trains(w, 1);
            Assert.True(d.ApplyOuterProductPulses(Nominal(d, 21), w, new OuterProductTrains(1, t.Rows, t.RowPolarity, t.Columns, t.ColumnPolarity)).Duplicate);
            Assert.Equal(expected, d.ReadHealth().TotalPulses);
        }
    }

    private static (ulong[] Rows, sbyte[] RowPolarity, ulong[] Columns, sbyte[] ColumnPolarity) Trains(CrossbarWindow w, int slots)
    {
        ulong all = slots == 64 ? ulong.MaxValue : (1UL << slots) - 1;
        var rows = Enumerable.Range(0, w.RowCount).Select(i => all >> (i % slots)).ToArray();
        var rowPolarity = Enumerable.Range(0, w.RowCount).Select(i => (sbyte)(i % 3 - 1)).ToArray();
        var columns = Enumerable.Range(0, w.ColumnCount).Select(j => all & ~(1UL << (j % slots))).ToArray();
        var columnPolarity = Enumerable.Range(0, w.ColumnCount).Select(j => (sbyte)(j % 2 == 0 ? 1 : -1)).ToArray();
        return (rows, rowPolarity, columns, columnPolarity);
    }

    [Fact]
    public void Outer_products_deliver_one_pulse_per_coincidence_or_are_refused()
    {
        using var d = OpenDevice();
        var x = d.Description;
        var w = SmallWindow(d);
        int slots = Math.Min(4, x.Limits.MaxPulsesPerCellPerRequest);
        var t = Trains(w, slots);
        var n = Nominal(d, 31);
        if (!x.Capabilities.OuterProductPulses)
        {
            Assert.Throws<DeviceLimitException>(() => d.ApplyOuterProductPulses(n, w, new OuterProductTrains(slots, t.Rows, t.RowPolarity, t.Columns, t.ColumnPolarity)));
            return;
        }
        Assert.Throws<DeviceLimitException>(() => d.ApplyOuterProductPulses(n, w, new OuterProductTrains(0, t.Rows, t.RowPolarity, t.Columns, t.ColumnPolarity)));
        var wide = (ulong[])t.Rows.Clone();
        wide[0] |= 1UL << slots;
        Assert.Throws<DeviceLimitException>(() => d.ApplyOuterProductPulses(n, w, new OuterProductTrains(slots, wide, t.RowPolarity, t.Columns, t.ColumnPolarity)));
        var badPolarity = (sbyte[])t.RowPolarity.Clone();
        badPolarity[0] = 2;
        Assert.Throws<DeviceLimitException>(() => d.ApplyOuterProductPulses(n, w, new OuterProductTrains(slots, t.Rows, badPolarity, t.Columns, t.ColumnPolarity)));
        if (x.Limits.MaxPulsesPerCellPerRequest < 64)
            Assert.Throws<DeviceLimitException>(() => d.ApplyOuterProductPulses(n, w, new OuterProductTrains(x.Limits.MaxPulsesPerCellPerRequest + 1, t.Rows, t.RowPolarity, t.Columns, t.ColumnPolarity)));
        Assert.Equal(0, d.ReadHealth().TotalPulses);
        long expected = 0;
        for (int i = 0; i < w.RowCount; i++)
            for (int j = 0; j < w.ColumnCount; j++)
                if (t.RowPolarity[i] * t.ColumnPolarity[j] != 0) expected += BitOperations.PopCount(t.Rows[i] & t.Columns[j]);
        var receipt = d.ApplyOuterProductPulses(n, w, new OuterProductTrains(slots, t.Rows, t.RowPolarity, t.Columns, t.ColumnPolarity));
        Assert.Equal(expected, receipt.PulsesApplied);
        Assert.True(d.ApplyOuterProductPulses(n, w, new OuterProductTrains(slots, t.Rows, t.RowPolarity, t.Columns, t.ColumnPolarity)).Duplicate);
        Assert.Equal(expected, d.ReadHealth().TotalPulses);
    }

    [Fact]
    public void Potentiation_raises_and_depression_lowers_the_measured_conductance()
    {
        if (!PulsesMoveConductance) return;
        using var d = OpenDevice();
        var w = SmallWindow(d) with { RowCount = 1, ColumnCount = 2 };
        var before = Measure(d, w);
        short k = (short)Math.Min(20, d.Description.Limits.MaxPulsesPerCellPerRequest);
        d.ApplyCellPulses(Nominal(d, 41), w, [k, (short)-k]);
        var after = Measure(d, w);
        Assert.True(after[0] > before[0], $"potentiated cell went from {before[0]} to {after[0]} S");
        Assert.True(after[1] < before[1], $"depressed cell went from {before[1]} to {after[1]} S");
        if (TracksCellWear) Assert.Equal(k, d.ReadHealth().MaxCellPulses);
    }

    [Fact]
    public void Health_reports_a_live_board_and_its_wear()
    {
        using var d = OpenDevice();
        var h = d.ReadHealth();
        Assert.True(h.Alive);
        Assert.True(h.Uptime >= TimeSpan.Zero);
        Assert.Equal(0, h.TotalPulses);
        var w = SmallWindow(d);
        var r = d.ApplyCellPulses(Nominal(d, 51), w, Enumerable.Repeat((short)1, w.CellCount).ToArray());
        Assert.Equal(r.PulsesApplied, d.ReadHealth().TotalPulses);
    }

    [Fact]
    public void A_dead_board_refuses_every_call_but_describe()
    {
        if (Kill is not { } kill) return;
        using var d = OpenDevice();
        var w = SmallWindow(d);
        kill(d);
        Assert.NotNull(d.Description);
        Assert.Throws<DeviceFailedException>(() => d.Read(w, new float[w.RowCount], new float[w.ColumnCount]));
        Assert.Throws<DeviceFailedException>(() => d.MeasureConductances(w, new float[w.CellCount]));
        Assert.Throws<DeviceFailedException>(() => d.ApplyCellPulses(Nominal(d, 61), w, new short[w.CellCount]));
        Assert.Throws<DeviceFailedException>(() => d.ReadHealth());
    }
}

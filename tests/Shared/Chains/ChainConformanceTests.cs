using MortalHil.Core.Devices;

namespace MortalHil.Testing.Chains;

/// <summary>
/// The <see cref="IAnalogChainDevice"/> contract as one suite every chain board passes (the manner of
/// <c>DeviceConformanceTests</c>): the simulator in process, the simulator served over the wire, the C firmware.
/// A derived class opens a fresh board whose description has a chain with injection, taps and latched updates.
/// </summary>
public abstract class ChainConformanceTests
{
    /// <summary>A fresh chain board, never pulsed.</summary>
    protected abstract IAnalogChainDevice OpenDevice();

    private static float[] Inputs(IDevice d, int count, int seed)
    {
        float vmax = MathF.Min(d.Description.Limits.MaxReadVolts, d.Description.Dac.FullScaleVolts);
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1) * vmax * 0.9f).ToArray();
    }

    private static PulseRequest Nominal(IDevice d, ulong id) => new(id,
        (float)d.Description.Capabilities.NominalPulseVoltage.Volts, (float)d.Description.Capabilities.NominalPulseWidth.Seconds);

    private static float[] Measure(IDevice d, CrossbarWindow w)
    {
        var g = new float[w.CellCount];
        d.MeasureConductances(w, g);
        return g;
    }

    private static void OnGrid(float value, float step, float fullScale)
    {
        Assert.InRange(value, -fullScale * 1.000001f, fullScale * 1.000001f);
        float k = value / step;
        Assert.True(MathF.Abs(k - MathF.Round(k)) < 1e-3f, $"{value} is not a multiple of the converter step {step}");
    }

    [Fact]
    public void The_chain_lies_on_the_board_and_reads_come_back_on_the_described_converters_grids()
    {
        using var d = OpenDevice();
        var c = d.Description.AnalogChain!;
        c.Validate(d.Description);
        Assert.NotNull(c.Injection);
        Assert.NotNull(c.Taps);
        Assert.True(c.LatchedUpdates);
        int batch = 3, repeats = 2, rows = batch * repeats;
        var injection = Enumerable.Range(0, rows * c.NeuronCount).Select(i => (i % 5 - 2) * c.Injection!.FullScaleAmps / 2).ToArray();
        float[] outputs = new float[rows * c.OutputCount], taps = new float[rows * c.NeuronCount];
        d.ReadChain(Inputs(d, batch * c.InputCount, 1), repeats, injection, outputs, taps);
        foreach (var o in outputs) OnGrid(o, c.OutputAdc.StepAmps, c.OutputAdc.FullScaleAmps);
        foreach (var t in taps) OnGrid(t, c.Taps!.StepVolts, c.Taps.FullScaleVolts);
        Assert.Contains(outputs, o => o != 0);
    }

    [Fact]
    public void Injection_inputs_repeats_and_buffers_beyond_the_description_are_refused_and_nothing_is_read()
    {
        using var d = OpenDevice();
        var c = d.Description.AnalogChain!;
        var x = Inputs(d, 2 * c.InputCount, 2);
        long reads = d.ReadHealth().TotalReads;
        var outputs = new float[2 * c.OutputCount];
        var injection = new float[2 * c.NeuronCount];
        foreach (float bad in new[] { c.Injection!.FullScaleAmps * 1.01f, -c.Injection.FullScaleAmps * 1.01f, float.NaN, float.PositiveInfinity })
        {
            injection[c.NeuronCount] = bad;
            Assert.Throws<DeviceLimitException>(() => d.ReadChain(x, 1, injection, outputs, default));
        }
        var tooHigh = x.ToArray();
        tooHigh[1] = MathF.Min(d.Description.Limits.MaxReadVolts, d.Description.Dac.FullScaleVolts) * 1.01f;
        Assert.Throws<DeviceLimitException>(() => d.ReadChain(tooHigh, 1, default, outputs, default));
        Assert.Throws<DeviceLimitException>(() => d.ReadChain(x, 0, default, outputs, default));
        Assert.Throws<DeviceLimitException>(() => d.ReadChain(x, 1, default, new float[outputs.Length + 1], default));
        Assert.Throws<DeviceLimitException>(() => d.ReadChain(x, 1, default, outputs, new float[3]));
        int tooMany = d.Description.Limits.MaxBatch + 1;
        Assert.Throws<DeviceLimitException>(() => d.ReadChain(Inputs(d, c.InputCount, 3), tooMany, default, new float[tooMany * c.OutputCount], default));
        Assert.Equal(reads, d.ReadHealth().TotalReads);
    }

    [Fact]
    public void A_latched_update_is_applied_once_and_only_from_rows_the_last_read_latched()
    {
        using var d = OpenDevice();
        var c = d.Description.AnalogChain!;
        int stage = c.Stages.Count - 1;
        var w = c.Stages[stage].Window;
        int slots = Math.Min(16, d.Description.Limits.MaxPulsesPerCellPerRequest);
        var trains = Enumerable.Repeat(slots == 64 ? ulong.MaxValue : (1UL << slots) - 1, w.ColumnCount).ToArray();
        var polarity = Enumerable.Range(0, w.ColumnCount).Select(i => (sbyte)(i % 2 == 0 ? 1 : -1)).ToArray();
        // Nothing latched yet.
        Assert.Throws<DeviceLimitException>(() => d.ApplyLatchedOuterProduct(Nominal(d, 11), stage, 0, 1f, slots, trains, polarity));
        d.ReadChain(Inputs(d, 4 * c.InputCount, 4), 1, default, new float[4 * c.OutputCount], default);
        Assert.Throws<DeviceLimitException>(() => d.ApplyLatchedOuterProduct(Nominal(d, 12), stage, 4, 1f, slots, trains, polarity));
        Assert.Throws<DeviceLimitException>(() => d.ApplyLatchedOuterProduct(Nominal(d, 13), stage, 0, 1.5f, slots, trains, polarity));
        Assert.Throws<DeviceLimitException>(() => d.ApplyLatchedOuterProduct(Nominal(d, 14), stage, 0, 1f, slots, trains[1..], polarity[1..]));

        var first = d.ApplyLatchedOuterProduct(Nominal(d, 15), stage, 3, 1f, slots, trains, polarity);
        Assert.False(first.Duplicate);
        Assert.True(first.PulsesApplied > 0);
        var after = Measure(d, w);
        long pulses = d.ReadHealth().TotalPulses;
        var again = d.ApplyLatchedOuterProduct(Nominal(d, 15), stage, 3, 1f, slots, trains, polarity);
        Assert.True(again.Duplicate);
        Assert.Equal(first.PulsesApplied, again.PulsesApplied);
        Assert.Equal(pulses, d.ReadHealth().TotalPulses);
        Assert.Equal(pulses, first.PulsesApplied); // the board's own count: this update and nothing else
        if (MeasurementIsExact) Assert.Equal(after, Measure(d, w));
    }

    /// <summary>MEASURE returns the same value twice with nothing in between.</summary>
    protected virtual bool MeasurementIsExact => true;
}

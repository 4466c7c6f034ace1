namespace MortalHil.Core.Devices;

/// <summary>
/// The argument checks every <see cref="IDevice"/> implementation applies before touching the
/// board, in one place so a simulator, a serial link and an SPI driver refuse the same things.
/// </summary>
public static class DeviceGuards
{
    public static int CheckRead(DeviceDescription d, CrossbarWindow w, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation)
    {
        w.Validate(d);
        if (inputVolts.Length == 0 || inputVolts.Length % w.RowCount != 0)
            throw new DeviceLimitException($"input length {inputVolts.Length} is not a positive multiple of the window's {w.RowCount} rows");
        int batch = inputVolts.Length / w.RowCount;
        if (batch > d.Limits.MaxBatch)
            throw new DeviceLimitException($"batch {batch} exceeds the board's limit {d.Limits.MaxBatch}");
        if (outputAmps.Length != batch * w.ColumnCount)
            throw new DeviceLimitException($"output length {outputAmps.Length} != batch {batch} x {w.ColumnCount} columns");
        if (!d.Capabilities.Supports(activation))
            throw new DeviceLimitException($"board has no analog {activation} neurons");
        float vmax = MathF.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
        int bad = FirstOutside(inputVolts, vmax);
        if (bad >= 0)
            throw new DeviceLimitException($"input {bad} is {inputVolts[bad]} V, outside the safe read range ±{vmax} V");
        return batch;
    }

    /// <summary>Index of the first value with !(|v| &lt;= limit) (NaN included), or -1. Vectorised: it runs on every read.</summary>
    private static int FirstOutside(ReadOnlySpan<float> values, float limit)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var max = new System.Numerics.Vector<float>(limit);
            var cast = System.Runtime.InteropServices.MemoryMarshal.Cast<float, System.Numerics.Vector<float>>(values);
            for (int v = 0; v < cast.Length; v++)
            {
                // LessThanOrEqual is false for NaN, so a NaN lane counts as outside.
                if (!System.Numerics.Vector.LessThanOrEqualAll(System.Numerics.Vector.Abs(cast[v]), max))
                    break;
                i += System.Numerics.Vector<float>.Count;
            }
        }
        for (; i < values.Length; i++)
            if (!(MathF.Abs(values[i]) <= limit))
                return i;
        return -1;
    }

    public static long CheckCellPulses(DeviceDescription d, in PulseRequest r, CrossbarWindow w, ReadOnlySpan<short> counts)
    {
        r.Validate(d);
        w.Validate(d);
        if (counts.Length != w.CellCount)
            throw new DeviceLimitException($"pulse counts have {counts.Length} entries, window has {w.CellCount} cells");
        long total = 0;
        int max = d.Limits.MaxPulsesPerCellPerRequest;
        for (int i = 0; i < counts.Length; i++)
        {
            int c = counts[i];
            if (c > max || c < -max)
                throw new DeviceLimitException($"cell {i} asks for {c} pulses, limit is ±{max} per request");
            total += Math.Abs(c);
        }
        return total;
    }

    public static void CheckOuterProduct(DeviceDescription d, in PulseRequest r, CrossbarWindow w, in OuterProductTrains t)
    {
        if (!d.Capabilities.OuterProductPulses)
            throw new DeviceLimitException("board does not support outer-product pulsing");
        r.Validate(d);
        w.Validate(d);
        t.Validate(w);
        if (t.Slots > d.Limits.MaxPulsesPerCellPerRequest)
            throw new DeviceLimitException($"{t.Slots} slots could exceed the limit of {d.Limits.MaxPulsesPerCellPerRequest} pulses per cell per request");
    }

    public static void CheckMeasure(DeviceDescription d, CrossbarWindow w, Span<float> siemens)
    {
        w.Validate(d);
        if (siemens.Length != w.CellCount)
            throw new DeviceLimitException($"conductance buffer has {siemens.Length} entries, window has {w.CellCount} cells");
    }
}

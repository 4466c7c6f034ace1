namespace MortalHil.Core.Devices;

/// <summary>The argument checks every <see cref="IAnalogChainDevice"/> applies before touching its chain.</summary>
public static class ChainGuards
{
    /// <summary>The chain a board describes, or a refusal.</summary>
    public static AnalogChainDescription Chain(DeviceDescription d) =>
        d.AnalogChain ?? throw new DeviceLimitException($"board {d.Kind} #{d.SerialNumber} describes no analog chain");

    /// <summary>Checks a chain read; returns the number of result rows (batch x repeats).</summary>
    public static int CheckRead(DeviceDescription d, ReadOnlySpan<float> inputVolts, int repeats, ReadOnlySpan<float> injectionAmps,
        Span<float> outputAmps, Span<float> tapVolts)
    {
        var c = Chain(d);
        int n = c.InputCount;
        if (inputVolts.Length == 0 || inputVolts.Length % n != 0)
            throw new DeviceLimitException($"chain input length {inputVolts.Length} is not a positive multiple of its {n} inputs");
        if (repeats < 1) throw new DeviceLimitException($"chain read repeats {repeats} must be at least 1");
        int batch = inputVolts.Length / n;
        long rows = (long)batch * repeats;
        if (rows > d.Limits.MaxBatch)
            throw new DeviceLimitException($"chain read of {batch} inputs x {repeats} repeats exceeds the board's batch limit {d.Limits.MaxBatch}");
        if (outputAmps.Length != rows * c.OutputCount)
            throw new DeviceLimitException($"chain output length {outputAmps.Length} != {rows} rows x {c.OutputCount} outputs");
        if (!injectionAmps.IsEmpty)
        {
            var inj = c.Injection ?? throw new DeviceLimitException("this chain has no perturbation injection");
            if (injectionAmps.Length != rows * c.NeuronCount)
                throw new DeviceLimitException($"injection length {injectionAmps.Length} != {rows} rows x {c.NeuronCount} neurons");
            for (int i = 0; i < injectionAmps.Length; i++)
                if (!(MathF.Abs(injectionAmps[i]) <= inj.FullScaleAmps))
                    throw new DeviceLimitException($"injection {i} is {injectionAmps[i]} A, outside the injection DACs' range ±{inj.FullScaleAmps} A");
        }
        if (!tapVolts.IsEmpty)
        {
            if (c.Taps is null) throw new DeviceLimitException("this chain has no monitor taps");
            if (tapVolts.Length != rows * c.NeuronCount)
                throw new DeviceLimitException($"tap buffer length {tapVolts.Length} != {rows} rows x {c.NeuronCount} neurons");
        }
        float vmax = MathF.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
        for (int i = 0; i < inputVolts.Length; i++)
            if (!(MathF.Abs(inputVolts[i]) <= vmax))
                throw new DeviceLimitException($"input {i} is {inputVolts[i]} V, outside the safe read range ±{vmax} V");
        return (int)rows;
    }

    /// <summary>Checks a latched update against the last chain read's <paramref name="latchedRows"/> result rows.</summary>
    public static void CheckLatched(DeviceDescription d, in PulseRequest r, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity, int latchedRows)
    {
        var c = Chain(d);
        if (!c.LatchedUpdates) throw new DeviceLimitException("this chain cannot update from latched activity");
        if (!d.Capabilities.OuterProductPulses) throw new DeviceLimitException("board does not support outer-product pulsing");
        r.Validate(d);
        if ((uint)stage >= (uint)c.Stages.Count) throw new DeviceLimitException($"chain stage {stage} does not exist (chain has {c.Stages.Count})");
        if ((uint)example >= (uint)latchedRows) throw new DeviceLimitException($"result row {example} was not in the last chain read ({latchedRows} rows latched)");
        if (!(rowProbability >= 0 && rowProbability <= 1)) throw new DeviceLimitException($"row probability {rowProbability} outside [0, 1]");
        if (slots < 1 || slots > 64 || slots > d.Limits.MaxPulsesPerCellPerRequest)
            throw new DeviceLimitException($"{slots} slots outside 1..{Math.Min(64, d.Limits.MaxPulsesPerCellPerRequest)}");
        var w = c.Stages[stage].Window;
        if (columnTrains.Length != w.ColumnCount || columnPolarity.Length != w.ColumnCount)
            throw new DeviceLimitException($"column trains/polarities have {columnTrains.Length}/{columnPolarity.Length} entries, stage {stage} has {w.ColumnCount} columns");
        ulong mask = slots == 64 ? ulong.MaxValue : (1UL << slots) - 1;
        foreach (var t in columnTrains) if ((t & ~mask) != 0) throw new DeviceLimitException("a column train uses slots beyond the slots given");
        foreach (var p in columnPolarity) if (p is < -1 or > 1) throw new DeviceLimitException("column polarity must be -1, 0 or +1");
    }
}

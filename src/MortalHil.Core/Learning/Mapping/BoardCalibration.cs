using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Accounting;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// Calibration by measurement only: everything here comes from reads with known inputs and from
/// conductance measurements, never from a board's hidden parameters.
/// </summary>
public static class BoardCalibration
{
    /// <summary>The board's nominal programming pulse, kept inside its safe limits.</summary>
    public static (float Volts, float WidthSeconds) NominalPulse(DeviceDescription d)
    {
        var l = d.Limits;
        float v = Math.Min((float)d.Capabilities.NominalPulseVoltage.Volts, l.MaxPulseVolts);
        float w = Math.Clamp((float)d.Capabilities.NominalPulseWidth.Seconds, l.MinPulseWidthSeconds, l.MaxPulseWidthSeconds);
        return (v, w);
    }

    /// <summary>
    /// Measures the mean conductance change of one pulse on the cells of <paramref name="sample"/>: measure,
    /// <paramref name="pulses"/> up, measure, the same number down, measure. The cells end near where they began.
    /// </summary>
    public static PulseCalibration ProbePulseResponse(IDevice device, CrossbarWindow sample, PulseIdSource ids, BoardLedger? ledger, int pulses = 8)
    {
        var d = device.Description;
        var (volts, width) = NominalPulse(d);
        pulses = Math.Clamp(pulses, 1, d.Limits.MaxPulsesPerCellPerRequest);
        int n = sample.CellCount;
        var g0 = new float[n];
        var g1 = new float[n];
        var g2 = new float[n];
        var counts = new short[n];
        Measure(device, sample, g0, ledger);
        counts.AsSpan().Fill((short)pulses);
        Send(device, ids, ledger, sample, counts, volts, width);
        Measure(device, sample, g1, ledger);
        counts.AsSpan().Fill((short)-pulses);
        Send(device, ids, ledger, sample, counts, volts, width);
        Measure(device, sample, g2, ledger);
        double up = 0, down = 0;
        for (int c = 0; c < n; c++) { up += g1[c] - g0[c]; down += g1[c] - g2[c]; }
        float floor = 1e-6f * (d.GMaxSiemens - d.GMinSiemens); // a board that does not respond at all still gets a finite estimate
        return new PulseCalibration(MathF.Max(floor, (float)(up / n / pulses)), MathF.Max(floor, (float)(down / n / pulses)), volts, width);
    }

    /// <summary>Reads every block with all rows at 0 V <paramref name="repeats"/> times and stores the mean output of each column as its offset.</summary>
    public static void MeasureOffsets(MappedNetwork net, int repeats = 16)
    {
        repeats = Math.Clamp(repeats, 1, net.Description.Limits.MaxBatch);
        foreach (var layer in net.AllLayers)
        foreach (var block in layer.Blocks)
        {
            var w = block.Window;
            var volts = new float[repeats * w.RowCount];
            var amps = new float[repeats * w.ColumnCount];
            net.Device.Read(w, volts, amps);
            net.Ledger.CountRead(repeats, saturated: false, w);
            for (int c = 0; c < w.ColumnCount; c++)
            {
                float s = 0;
                for (int r = 0; r < repeats; r++) s += amps[r * w.ColumnCount + c];
                block.ColumnOffsetAmps[c] = s / repeats;
            }
        }
    }

    /// <summary>
    /// Per-column read gain: measures the block's conductances, reads random known inputs, and fits
    /// (output − offset) ≈ gain · Σ_rows G·v per column by least squares. Corrects converter and amplifier
    /// gain mismatch so programmed weights read as intended.
    /// </summary>
    public static void MeasureGains(MappedNetwork net, SeededRandom rng, int vectors = 32)
    {
        var d = net.Description;
        vectors = Math.Clamp(vectors, 4, d.Limits.MaxBatch);
        float vmax = MathF.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
        foreach (var layer in net.AllLayers)
        foreach (var block in layer.Blocks)
        {
            var w = block.Window;
            var g = new float[w.CellCount];
            net.Device.MeasureConductances(w, g);
            net.Ledger.CountMeasure(w.CellCount);
            // Keep the predicted column currents inside half the ADC range.
            float colMax = 0;
            for (int c = 0; c < w.ColumnCount; c++)
            {
                float s = 0;
                for (int r = 0; r < w.RowCount; r++) s += MathF.Abs(g[r * w.ColumnCount + c]);
                colMax = MathF.Max(colMax, s);
            }
            float amplitude = MathF.Min(vmax, 0.3f * d.Adc.FullScaleAmps / MathF.Max(colMax, 1e-30f) * MathF.Sqrt(w.RowCount));
            var volts = new float[vectors * w.RowCount];
            for (int i = 0; i < volts.Length; i++) volts[i] = (2f * rng.NextFloat() - 1f) * amplitude;
            var amps = new float[vectors * w.ColumnCount];
            net.Device.Read(w, volts, amps);
            net.Ledger.CountRead(vectors, saturated: false, w);
            for (int c = 0; c < w.ColumnCount; c++)
            {
                double num = 0, den = 0;
                for (int k = 0; k < vectors; k++)
                {
                    if (MathF.Abs(amps[k * w.ColumnCount + c]) >= 0.98f * d.Adc.FullScaleAmps) continue; // saturated: not linear
                    double predicted = 0;
                    for (int r = 0; r < w.RowCount; r++) predicted += g[r * w.ColumnCount + c] * volts[k * w.RowCount + r];
                    num += (amps[k * w.ColumnCount + c] - block.ColumnOffsetAmps[c]) * predicted;
                    den += predicted * predicted;
                }
                float gain = den > 0 ? (float)(num / den) : 1f;
                block.ColumnGain[c] = gain is > 0.2f and < 5f ? gain : 1f; // outside this the fit is noise, not gain
            }
        }
    }

    /// <summary>
    /// Fits each layer's input range and each block's read voltage to a sample of real inputs: inputs
    /// of layer 0 by their largest magnitude, hidden inputs by a high percentile of the activations, and
    /// read voltages so the largest column current stays near <paramref name="targetFraction"/> of the ADC
    /// full scale (never above the board's safe read voltage). The network's function is unchanged: the
    /// output scaling compensates for the voltage.
    /// </summary>
    public static void FitRanges(MappedNetwork net, ReadOnlySpan<float> sample, int batch, float targetFraction = 0.6f, float percentile = 0.999f)
        => FitRanges(net, sample, batch, widenOnly: false, targetFraction, percentile);

    /// <summary>
    /// As <see cref="FitRanges(MappedNetwork, ReadOnlySpan{float}, int, float, float)"/>; with <paramref name="widenOnly"/> (for use
    /// during training) input ranges only grow and read voltages only drop, and only where activations would clip or columns
    /// saturate, so a network that is learning keeps the scaling it has adapted to.
    /// </summary>
    public static void FitRanges(MappedNetwork net, ReadOnlySpan<float> sample, int batch, bool widenOnly, float targetFraction = 0.6f, float percentile = 0.999f)
    {
        var d = net.Description;
        float vmax = MathF.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
        float fullScale = d.Adc.FullScaleAmps;
        var x = sample[..(batch * net.InputCount)].ToArray();
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            float range = l == 0 ? MathF.Max(1e-6f, MaxAbs(x)) : MathF.Max(1e-6f, Percentile(x, percentile));
            layer.InputRange = widenOnly ? MathF.Max(layer.InputRange, range) : range;
            FitBlocks(net, layer, x, batch, vmax, fullScale, targetFraction, widenOnly);
            if (l < net.LocalReadouts.Count && net.LocalReadouts[l] is { } readout)
            {
                var h = new float[batch * layer.Outputs];
                net.ReadLayer(layer, x, batch, h);
                MappedNetwork.Activate(layer.Activation, h, h);
                float readoutRange = MathF.Max(1e-6f, Percentile(h, percentile));
                readout.InputRange = widenOnly ? MathF.Max(readout.InputRange, readoutRange) : readoutRange;
                FitBlocks(net, readout, h, batch, vmax, fullScale, targetFraction, widenOnly);
            }
            var next = new float[batch * layer.Outputs];
            net.ReadLayer(layer, x, batch, next);
            MappedNetwork.Activate(layer.Activation, next, next);
            x = next;
        }
    }

    private static void FitBlocks(MappedNetwork net, MappedLayer layer, float[] x, int batch, float vmax, float fullScale, float target, bool widenOnly)
    {
        if (!widenOnly) foreach (var block in layer.Blocks) block.ReadVolts = vmax;
        for (int round = 0; round < 6; round++)
        {
            bool changed = false;
            var peaks = PeakCurrents(net, layer, x, batch);
            for (int k = 0; k < layer.Blocks.Count; k++)
            {
                var block = layer.Blocks[k];
                float peak = peaks[k];
                float wanted;
                if (peak >= 0.98f * fullScale) wanted = block.ReadVolts * 0.5f; // saturated: the true peak is unknown, halve
                else if (widenOnly) wanted = block.ReadVolts;
                else if (peak <= 0) wanted = vmax;
                else wanted = MathF.Min(vmax, block.ReadVolts * target * fullScale / peak);
                if (MathF.Abs(wanted - block.ReadVolts) > 0.05f * block.ReadVolts) { block.ReadVolts = wanted; changed = true; }
            }
            if (!changed) break;
        }
    }

    /// <summary>Largest |column output| of each block of <paramref name="layer"/> over the batch, as the ADC reports it (offsets included).</summary>
    public static float[] PeakCurrents(MappedNetwork net, MappedLayer layer, ReadOnlySpan<float> x, int batch)
    {
        var peaks = new float[layer.Blocks.Count];
        int maxBatch = net.Description.Limits.MaxBatch;
        for (int k = 0; k < layer.Blocks.Count; k++)
        {
            var block = layer.Blocks[k];
            var w = block.Window;
            for (int start = 0; start < batch; start += maxBatch)
            {
                int n = Math.Min(maxBatch, batch - start);
                var volts = new float[n * w.RowCount];
                for (int b = 0; b < n; b++)
                for (int i = 0; i < block.InputCount; i++)
                {
                    float v = Math.Clamp(x[(start + b) * layer.Inputs + block.InputStart + i] / layer.InputRange, -1f, 1f) * block.ReadVolts;
                    if (block.Pairs == PairOrientation.Columns) volts[b * w.RowCount + i] = v;
                    else { volts[b * w.RowCount + 2 * i] = v; volts[b * w.RowCount + 2 * i + 1] = -v; }
                }
                var amps = new float[n * w.ColumnCount];
                net.Device.Read(w, volts, amps);
                net.Ledger.CountRead(n, saturated: false, w);
                for (int b = 0; b < n; b++)
                for (int c = 0; c < w.ColumnCount; c++)
                    peaks[k] = MathF.Max(peaks[k], MathF.Abs(amps[b * w.ColumnCount + c]));
            }
        }
        return peaks;
    }

    private static float MaxAbs(ReadOnlySpan<float> x)
    {
        float m = 0;
        foreach (var v in x) m = MathF.Max(m, MathF.Abs(v));
        return m;
    }

    private static float Percentile(float[] x, float p)
    {
        var sorted = x.Select(MathF.Abs).Where(v => v > 0).ToArray();
        if (sorted.Length == 0) return 1f;
        Array.Sort(sorted);
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }

    private static void Measure(IDevice device, CrossbarWindow w, Span<float> g, BoardLedger? ledger)
    {
        device.MeasureConductances(w, g);
        ledger?.CountMeasure(w.CellCount);
    }

    private static void Send(IDevice device, PulseIdSource ids, BoardLedger? ledger, CrossbarWindow w, short[] counts, float volts, float width)
    {
        var request = new PulseRequest(ids.Next(), volts, width);
        var receipt = device.ApplyCellPulses(request, w, counts);
        ledger?.RecordCellPulses(request, w, counts, receipt);
    }
}

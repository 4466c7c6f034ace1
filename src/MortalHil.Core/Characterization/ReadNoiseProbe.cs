using MortalHil.Core.Devices;

namespace MortalHil.Core.Characterization;

/// <summary>
/// Repeated array reads of one input on tile 0: their spread is the read noise; their mean against the
/// product of measured conductances shows column gain mismatch and IR drop.
/// </summary>
internal static class ReadNoiseProbe
{
    public readonly record struct Result(double NoiseRel, double NoiseAmps, double RatioMean, double RatioSpreadRel, long ReadsUsed);

    public static Result Run(IDevice device, float[] conductanceMap, int repeats)
    {
        var d = device.Description;
        var g = d.Geometry;
        int batch = Math.Clamp(repeats, 2, d.Limits.MaxBatch);
        float volts = 0.5f * MathF.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
        // Drive a block of rows at half the read voltage; halve it until no column saturates the ADC.
        int driven = Math.Min(64, g.Rows);
        float[] y = new float[batch * g.Columns];
        long reads = 0;
        while (true)
        {
            var w = new CrossbarWindow(0, 0, driven, 0, g.Columns);
            var x = new float[batch * driven];
            Array.Fill(x, volts);
            device.Read(w, x, y);
            reads += batch;
            bool saturated = y.Any(v => MathF.Abs(v) >= 0.95f * d.Adc.FullScaleAmps);
            if (!saturated || driven == 1) break;
            driven /= 2;
        }

        var rel = new List<double>();
        var std = new List<double>();
        var ratio = new List<double>();
        for (int c = 0; c < g.Columns; c++)
        {
            var col = new double[batch];
            for (int b = 0; b < batch; b++) col[b] = y[b * g.Columns + c];
            var (mean, s) = Statistics.MeanStd(col);
            std.Add(s);
            double predicted = 0;
            for (int r = 0; r < driven; r++) predicted += volts * conductanceMap[r * g.Columns + c];
            // Only columns well above the ADC step say anything about relative noise and gain.
            if (Math.Abs(mean) > 10 * d.Adc.StepAmps) rel.Add(s / Math.Abs(mean));
            if (predicted > 10 * d.Adc.StepAmps) ratio.Add(mean / predicted);
        }
        var (ratioMean, ratioStd) = Statistics.MeanStd(ratio);
        return new Result(Statistics.Median(rel), Statistics.Median(std), ratioMean, ratioStd / ratioMean, reads);
    }
}

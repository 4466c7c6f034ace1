using MortalHil.Core.Devices;

namespace MortalHil.Core.Characterization;

/// <summary>
/// Drives a square sample of cells in the middle of tile 0 to saturation: down (preparation), up
/// (recorded), down (recorded), in chunks of nominal pulses, measuring after every chunk. A sweep
/// ends when the sample's mean conductance has stopped moving (the last 16 chunks moved it by less
/// than 0.5% of the sweep's total change) or after the pulse budget.
/// </summary>
internal sealed class PulseResponseSweep(IDevice device, CharacterizationOptions options, PulseIdSource ids, bool[] stuckTile0, Action<double> progress)
{
    public readonly record struct Result(
        double ConductanceMin, double ConductanceMax, double ConductanceMinSpreadRel, double ConductanceMaxSpreadRel,
        double StepUp, double StepDown, int PulsesUp, int PulsesDown, int SampledCells, long PulsesApplied, PulseResponseCurves Curves,
        double StepSpreadRel, double ResidualSiemens);

    private readonly DeviceDescription _d = device.Description;
    private long _pulses;

    public Result Run()
    {
        var g = _d.Geometry;
        int side = Math.Min(options.SampleSide, Math.Min(g.Rows, g.Columns));
        var w = new CrossbarWindow(0, (g.Rows - side) / 2, side, (g.Columns - side) / 2, side);
        var free = new List<int>();
        for (int r = 0; r < side; r++)
            for (int c = 0; c < side; c++)
                if (!stuckTile0[(w.Row0 + r) * g.Columns + w.Column0 + c]) free.Add(r * side + c);
        if (free.Count == 0)
            throw new DeviceFailedException("every sampled cell is stuck: no pulse response to measure");
        var curveCells = free.Take(options.CurveCells).ToArray();

        var prep = Sweep(w, free, -1, curveCells, 0.0);
        var up = Sweep(w, free, +1, curveCells, 0.33);
        var down = Sweep(w, free, -1, curveCells, 0.66);
        progress(1);

        var maxima = free.Select(i => (double)up.Final[i]).ToArray();
        var minima = free.Select(i => (double)down.Final[i]).ToArray();
        var (maxMean, maxStd) = Statistics.MeanStd(maxima);
        var (minMean, minStd) = Statistics.MeanStd(minima);

        var pulseNumber = new List<int>();
        var curves = curveCells.Select(_ => new List<float>()).ToArray();
        void Append(SweepTrace s, int offset)
        {
            for (int k = 0; k < s.PulseNumber.Count; k++)
            {
                pulseNumber.Add(offset + s.PulseNumber[k]);
                for (int c = 0; c < curveCells.Length; c++) curves[c].Add(s.Curves[k][c]);
            }
        }
        Append(up, 0);
        Append(down, up.Pulses);

        return new Result(
            Statistics.Median(minima), Statistics.Median(maxima), minStd / minMean, maxStd / maxMean,
            MidWindowStep(up), MidWindowStep(down), up.Pulses, down.Pulses, free.Count, _pulses,
            new PulseResponseCurves
            {
                PulseNumber = pulseNumber,
                UpPoints = up.PulseNumber.Count,
                Cells = curveCells.Select(i => $"t0 r{w.Row0 + i / side} c{w.Column0 + i % side}").ToArray(),
                Siemens = curves.Select(c => c.ToArray()).ToArray(),
            },
            StepSpread(up, down, free), Residual(up, down, free));
    }

    private sealed record SweepTrace(List<int> PulseNumber, List<double> Means, List<float[]> Curves, float[] Final, int Pulses, int Chunk, List<float[]> All);

    private SweepTrace Sweep(CrossbarWindow w, List<int> free, int direction, int[] curveCells, double progressBase)
    {
        int chunk = Math.Max(1, Math.Min(options.SweepChunk, _d.Limits.MaxPulsesPerCellPerRequest));
        var counts = new short[w.CellCount];
        foreach (int i in free) counts[i] = (short)(direction * chunk);
        var pulse = new PulseRequest(1, (float)_d.Capabilities.NominalPulseVoltage.Volts, (float)_d.Capabilities.NominalPulseWidth.Seconds);
        var g = new float[w.CellCount];
        device.MeasureConductances(w, g);
        var pulseNumber = new List<int> { 0 };
        var means = new List<double> { free.Average(i => (double)g[i]) };
        var curves = new List<float[]> { curveCells.Select(i => g[i]).ToArray() };
        var all = new List<float[]> { (float[])g.Clone() };
        int pulses = 0;
        const int Window = 16;
        while (pulses + chunk <= options.MaxSweepPulses)
        {
            device.ApplyCellPulses(pulse with { Id = ids.Next() }, w, counts);
            _pulses += (long)chunk * free.Count;
            pulses += chunk;
            device.MeasureConductances(w, g);
            pulseNumber.Add(pulses);
            means.Add(free.Average(i => (double)g[i]));
            curves.Add(curveCells.Select(i => g[i]).ToArray());
            all.Add((float[])g.Clone());
            progress(progressBase + 0.33 * pulses / options.MaxSweepPulses);
            int n = means.Count;
            if (n > 2 * Window)
            {
                double recent = means.Skip(n - Window).Average(), previous = means.Skip(n - 2 * Window).Take(Window).Average();
                double total = Math.Abs(means[^1] - means[0]);
                if (direction * (recent - previous) < 0.005 * total) break;
            }
        }
        return new SweepTrace(pulseNumber, means, curves, (float[])g.Clone(), pulses, chunk, all);
    }

    /// <summary>Points of a sweep where the sample's mean is in the middle third of the sweep's range.</summary>
    private static List<int> MidWindow(SweepTrace s)
    {
        double lo = Math.Min(s.Means[0], s.Means[^1]), hi = Math.Max(s.Means[0], s.Means[^1]);
        double a = lo + (hi - lo) / 3, b = lo + 2 * (hi - lo) / 3;
        return Enumerable.Range(0, s.Means.Count).Where(k => s.Means[k] >= a && s.Means[k] <= b).ToList();
    }

    /// <summary>Least-squares slope (siemens per pulse) of one cell over the given points, and the std of its residuals.</summary>
    private static (double Slope, double Residual) CellLine(SweepTrace s, List<int> points, int cell)
    {
        if (points.Count < 3) return (0, 0);
        double mx = points.Average(k => (double)s.PulseNumber[k]), my = points.Average(k => (double)s.All[k][cell]);
        double sxx = 0, sxy = 0;
        foreach (int k in points)
        {
            double dx = s.PulseNumber[k] - mx;
            sxx += dx * dx;
            sxy += dx * (s.All[k][cell] - my);
        }
        double slope = sxx > 0 ? sxy / sxx : 0, ss = 0;
        foreach (int k in points)
        {
            double r = s.All[k][cell] - my - slope * (s.PulseNumber[k] - mx);
            ss += r * r;
        }
        return (slope, Math.Sqrt(ss / (points.Count - 2)));
    }

    /// <summary>Spread (std / mean) over the sample of each cell's mid-window step, up and down averaged: device-to-device step variation (plus the noise of the estimate).</summary>
    private static double StepSpread(SweepTrace up, SweepTrace down, List<int> free)
    {
        List<int> pu = MidWindow(up), pd = MidWindow(down);
        var steps = free.Select(i => 0.5 * (Math.Abs(CellLine(up, pu, i).Slope) + Math.Abs(CellLine(down, pd, i).Slope))).ToArray();
        var (mean, std) = Statistics.MeanStd(steps);
        return mean > 0 ? std / mean : 0;
    }

    /// <summary>Median over the sample of each cell's scatter about its own mid-window line: write noise, cycle-to-cycle noise and measurement noise together.</summary>
    private static double Residual(SweepTrace up, SweepTrace down, List<int> free)
    {
        List<int> pu = MidWindow(up), pd = MidWindow(down);
        return Statistics.Median(free.Select(i => 0.5 * (CellLine(up, pu, i).Residual + CellLine(down, pd, i).Residual)).ToArray());
    }

    /// <summary>Mean conductance change per pulse while the sample's mean is in the middle third of the sweep's range.</summary>
    private static double MidWindowStep(SweepTrace s)
    {
        double lo = Math.Min(s.Means[0], s.Means[^1]), hi = Math.Max(s.Means[0], s.Means[^1]);
        double a = lo + (hi - lo) / 3, b = lo + 2 * (hi - lo) / 3;
        double sign = Math.Sign(s.Means[^1] - s.Means[0]);
        var steps = new List<double>();
        // Signed increments, so write and read noise average out instead of adding up.
        for (int k = 1; k < s.Means.Count; k++)
            if (s.Means[k - 1] >= a && s.Means[k - 1] <= b) steps.Add(sign * (s.Means[k] - s.Means[k - 1]) / (s.PulseNumber[k] - s.PulseNumber[k - 1]));
        return steps.Count > 0 ? steps.Average() : 0;
    }
}

using MortalHil.Core.Devices;

namespace MortalHil.Core.Characterization;

/// <summary>
/// Characterises a board the way a user with a new board would: only through <see cref="IDevice"/>
/// (describe, measure, read, pulse). Works for any board: simulated, serial or SPI.
/// </summary>
/// <remarks>
/// Stages: (1) the conductance map of tile 0 as found, and measurement noise from repeated
/// measurements; (2) read noise from a batch of identical array reads, and the ratio of array reads
/// to the product of measured conductances; (3) a stuck-cell census of every tile: every cell gets
/// a burst of up pulses then of down pulses, and a cell whose conductance moved by no more than the
/// measurement noise is stuck; (4) saturation sweeps of a sample of cells on tile 0: down to the lower
/// bound, up to the upper bound, down again, recording the pulse response. Characterisation costs
/// pulses (reported) and so wears the board a little.
/// </remarks>
public sealed class BoardCharacterizer(IDevice device, CharacterizationOptions? options = null, Action<CharacterizationProgress>? progress = null)
{
    private readonly CharacterizationOptions _options = options ?? new CharacterizationOptions();
    private readonly DeviceDescription _d = device.Description;
    private readonly PulseIdSource _ids = new();
    private long _pulses, _reads;

    public CharacterizationReport Run()
    {
        var g = _d.Geometry;
        var whole0 = CrossbarWindow.Whole(0, g);

        Report("conductance map", 0);
        var maps = new float[Math.Max(2, _options.MeasureRepeats)][];
        for (int k = 0; k < maps.Length; k++) maps[k] = Measure(whole0);
        var (measureNoise, measureNoiseRel) = MeasurementNoise(maps);
        var meanMap = new float[g.Cells];
        for (int i = 0; i < meanMap.Length; i++) meanMap[i] = maps.Average(m => m[i]);

        Report("read noise", 0.05);
        var readProbe = ReadNoiseProbe.Run(device, meanMap, _options.ReadRepeats);
        _reads += readProbe.ReadsUsed;

        var stuckPerTile = new int[_d.TileCount];
        var stuckTile0 = Array.Empty<bool>();
        for (int t = 0; t < _d.TileCount; t++)
        {
            Report($"stuck-cell census, tile {t + 1}/{_d.TileCount}", 0.1 + 0.7 * t / _d.TileCount);
            var stuck = StuckCensus(t, measureNoise);
            stuckPerTile[t] = stuck.Count(s => s);
            if (t == 0) stuckTile0 = stuck;
        }

        Report("pulse response", 0.8);
        var sweep = new PulseResponseSweep(device, _options, _ids, stuckTile0, f => Report("pulse response", 0.8 + 0.2 * f)).Run();
        _pulses += sweep.PulsesApplied;
        Report("done", 1);

        int stuckCells = stuckPerTile.Sum();
        return new CharacterizationReport
        {
            SerialNumber = _d.SerialNumber,
            Kind = _d.Kind,
            Tiles = _d.TileCount,
            Rows = g.Rows,
            Cols = g.Columns,
            StuckCells = stuckCells,
            StuckFraction = stuckCells / (double)((long)g.Cells * _d.TileCount),
            StuckCellsPerTile = stuckPerTile,
            ReadNoiseRel = readProbe.NoiseRel,
            ReadNoiseAmps = readProbe.NoiseAmps,
            MeasureNoiseSiemens = measureNoise,
            MeasureNoiseRel = measureNoiseRel,
            ConductanceMin = sweep.ConductanceMin,
            ConductanceMax = sweep.ConductanceMax,
            ConductanceMinSpreadRel = sweep.ConductanceMinSpreadRel,
            ConductanceMaxSpreadRel = sweep.ConductanceMaxSpreadRel,
            SampledCells = sweep.SampledCells,
            StepUpSiemens = sweep.StepUp,
            StepDownSiemens = sweep.StepDown,
            AsymmetryEstimate = sweep.StepUp + sweep.StepDown > 0 ? (sweep.StepUp - sweep.StepDown) / (sweep.StepUp + sweep.StepDown) : 0,
            StepsEstimate = sweep.StepUp + sweep.StepDown > 0 ? (sweep.ConductanceMax - sweep.ConductanceMin) / (0.5 * (sweep.StepUp + sweep.StepDown)) : 0,
            PulsesToSaturateUp = sweep.PulsesUp,
            PulsesToSaturateDown = sweep.PulsesDown,
            ReadOverMeasuredMean = readProbe.RatioMean,
            ReadOverMeasuredSpreadRel = readProbe.RatioSpreadRel,
            StepSpreadRel = sweep.StepSpreadRel,
            SweepResidualSiemens = sweep.ResidualSiemens,
            StuckHighFraction = StuckHigh(stuckTile0, meanMap),
            PulsesApplied = _pulses,
            ReadsUsed = _reads,
            ConductanceMap = maps[0],
            PulseResponse = sweep.Curves,
        };
    }

    /// <summary>Of tile 0's stuck cells, the fraction whose conductance sits in the upper half of the nominal window.</summary>
    private double StuckHigh(bool[] stuck, float[] map)
    {
        double mid = 0.5 * (_d.GMinSiemens + _d.GMaxSiemens);
        int n = 0, high = 0;
        for (int i = 0; i < stuck.Length; i++)
            if (stuck[i]) { n++; if (map[i] > mid) high++; }
        return n > 0 ? (double)high / n : 0;
    }

    private void Report(string stage, double fraction) => progress?.Invoke(new CharacterizationProgress(stage, Math.Clamp(fraction, 0, 1)));

    private float[] Measure(CrossbarWindow w)
    {
        var g = new float[w.CellCount];
        device.MeasureConductances(w, g);
        return g;
    }

    private static (double Siemens, double Rel) MeasurementNoise(float[][] maps)
    {
        int n = maps[0].Length, k = maps.Length;
        var std = new double[n];
        var rel = new double[n];
        for (int i = 0; i < n; i++)
        {
            double mean = 0;
            for (int r = 0; r < k; r++) mean += maps[r][i];
            mean /= k;
            double ss = 0;
            for (int r = 0; r < k; r++) ss += (maps[r][i] - mean) * (maps[r][i] - mean);
            std[i] = Math.Sqrt(ss / (k - 1));
            rel[i] = mean > 0 ? std[i] / mean : 0;
        }
        return (Statistics.Median(std), Statistics.Median(rel));
    }

    /// <summary>
    /// Bursts of up pulses then of down pulses on every cell of <paramref name="tile"/>: a cell whose largest
    /// conductance change between bursts stays within 4 sigma of the measurement noise of a difference
    /// (or below 2% of the nominal window) is stuck. The largest change, not the RMS: one clear move proves a
    /// cell free even when write noise happens to cancel its other moves (ReRAM write noise is ~0.1 of the window).
    /// </summary>
    private bool[] StuckCensus(int tile, double measureNoise)
    {
        var g = _d.Geometry;
        var w = CrossbarWindow.Whole(tile, g);
        int perRequest = Math.Min(_d.Limits.MaxPulsesPerCellPerRequest, 64);
        const int RequestsPerBurst = 4;
        var pulse = NominalPulse();
        var largest = new double[w.CellCount];
        var counts = new short[w.CellCount];
        var before = Measure(w);
        for (int cycle = 0; cycle < _options.StuckCycles; cycle++)
        {
            foreach (int direction in new[] { +1, -1 })
            {
                Array.Fill(counts, (short)(direction * perRequest));
                for (int r = 0; r < RequestsPerBurst; r++)
                {
                    device.ApplyCellPulses(pulse with { Id = _ids.Next() }, w, counts);
                    _pulses += (long)perRequest * w.CellCount;
                }
                var after = Measure(w);
                for (int i = 0; i < largest.Length; i++) largest[i] = Math.Max(largest[i], Math.Abs(after[i] - before[i]));
                before = after;
            }
        }
        double window = _d.GMaxSiemens - _d.GMinSiemens;
        double threshold = Math.Max(4 * Math.Sqrt(2) * measureNoise, 0.02 * window);
        var stuck = new bool[w.CellCount];
        for (int i = 0; i < stuck.Length; i++) stuck[i] = largest[i] < threshold;
        return stuck;
    }

    private PulseRequest NominalPulse()
        => new(1, (float)_d.Capabilities.NominalPulseVoltage.Volts, (float)_d.Capabilities.NominalPulseWidth.Seconds);
}

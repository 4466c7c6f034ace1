using MortalHil.Core.Learning;
using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Health;

/// <summary>
/// Periodic health checks of one board through <see cref="IDevice"/> only: canary-set accuracy of
/// the network it carries, a census of its cells (edge occupancy, drift), and a write probe on
/// spare cells (stuck cells, write failures). Each <see cref="Check"/> appends to <see cref="Series"/>.
/// </summary>
public sealed class HealthMonitor
{
    private readonly IDevice _device;
    private readonly IClassifier? _model;
    private readonly LabelledSet? _canary;
    private readonly HealthMonitorOptions _options;
    private readonly ConductanceCensus _census;
    private readonly WriteProbe? _probe;
    private readonly CrossbarWindow? _noiseWindow;
    private long _pulsesAfterLastCheck = -1;

    /// <param name="device">The board.</param>
    /// <param name="model">The network on the board, for canary accuracy (null: not measured).</param>
    /// <param name="canary">A small labelled held-out set (null: not measured).</param>
    /// <param name="options">What to census and probe.</param>
    /// <param name="ids">Source of pulse request ids for the write probe.</param>
    public HealthMonitor(IDevice device, IClassifier? model, LabelledSet? canary, HealthMonitorOptions options, PulseIdSource ids)
    {
        if ((model is null) != (canary is null)) throw new ArgumentException("canary accuracy needs both a model and a canary set");
        _device = device;
        _model = model;
        _canary = canary;
        _options = options;
        _census = new ConductanceCensus(device, options.CensusWindows);
        if (options.ProbeWindow is { } pw)
        {
            foreach (var w in options.CensusWindows)
                if (Overlaps(w, pw)) throw new ArgumentException($"probe window {pw} overlaps census window {w}: the probe would disturb the network");
            _probe = new WriteProbe(device, pw, options, ids);
        }
        else if (options.CensusWindows.Count > 0)
        {
            // Without a probe, measurement noise comes from measuring a few census rows twice.
            var w = options.CensusWindows[0];
            int rows = Math.Max(1, Math.Min(w.RowCount, 256 / Math.Max(1, w.ColumnCount)));
            _noiseWindow = w with { RowCount = rows };
        }
    }

    /// <summary>The board watched.</summary>
    public IDevice Device => _device;

    /// <summary>Every check so far.</summary>
    public HealthSeries Series { get; } = new();

    /// <summary>
    /// Runs one health check and appends it to <see cref="Series"/>. Throws
    /// <see cref="DeviceFailedException"/> when the board has died.
    /// </summary>
    public HealthSample Check()
    {
        var before = _device.ReadHealth();
        if (!before.Alive) throw new DeviceFailedException($"board {_device.Description.SerialNumber} reports itself dead");
        double? canary = _model is not null ? ClassifierEvaluation.Accuracy(_model, _canary!) : null;

        WriteProbe.Result? probe = _probe?.Run();
        double noise = probe?.NoiseSiemens ?? MeasureNoise();

        _census.Measure();
        // Someone else programmed the board since the last check (training, a weight copy): drift
        // is measured afresh from now on.
        bool reprogrammed = _pulsesAfterLastCheck >= 0 && before.TotalPulses != _pulsesAfterLastCheck;
        bool rebaseline = !_census.HasReference || reprogrammed;
        if (rebaseline) _census.Rebaseline();
        double drift = _census.DriftFraction(noise);

        var after = _device.ReadHealth();
        _pulsesAfterLastCheck = after.TotalPulses;
        var sample = new HealthSample
        {
            BoardTime = after.Uptime,
            CanaryAccuracy = canary,
            EdgeFraction = _census.EdgeFraction(_options.EdgeBand),
            StuckFraction = probe?.StuckFraction,
            WriteFailureFraction = probe?.WriteFailureFraction,
            DriftFraction = drift,
            MeasurementNoiseSiemens = noise,
            DriftRebaselined = rebaseline,
            TotalPulses = after.TotalPulses,
            MaxCellPulses = after.MaxCellPulses,
            ProbePulsesApplied = probe?.PulsesApplied ?? 0,
        };
        Series.Add(sample);
        return sample;
    }

    private double MeasureNoise()
    {
        if (_noiseWindow is not { } w) return 0;
        var a = new float[w.CellCount];
        var b = new float[w.CellCount];
        _device.MeasureConductances(w, a);
        _device.MeasureConductances(w, b);
        return WriteProbe.NoiseFromPair(a, b);
    }

    private static bool Overlaps(CrossbarWindow a, CrossbarWindow b) =>
        a.Tile == b.Tile && a.Row0 < b.Row0 + b.RowCount && b.Row0 < a.Row0 + a.RowCount
        && a.Column0 < b.Column0 + b.ColumnCount && b.Column0 < a.Column0 + a.ColumnCount;
}

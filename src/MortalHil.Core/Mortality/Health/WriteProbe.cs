using MortalHil.Core.Devices;

namespace MortalHil.Core.Mortality.Health;

/// <summary>
/// Checks whether spare cells still respond to programming: measure, pulse each cell a few times
/// towards the far side of its window and back, measure after each leg. A cell that moves in
/// neither direction beyond measurement noise is stuck; a leg that moves its cell much less than
/// the cells did when first probed is a write failure. Decided by measurement alone.
/// </summary>
internal sealed class WriteProbe
{
    private readonly IDevice _device;
    private readonly CrossbarWindow _window;
    private readonly HealthMonitorOptions _options;
    private readonly PulseIdSource _ids;
    private readonly float[] _g0, _g0b, _g1, _g2;
    private readonly short[] _counts;
    private double? _referenceResponse;

    public WriteProbe(IDevice device, CrossbarWindow window, HealthMonitorOptions options, PulseIdSource ids)
    {
        window.Validate(device.Description);
        int max = device.Description.Limits.MaxPulsesPerCellPerRequest;
        if (options.ProbePulses < 1 || options.ProbePulses > max)
            throw new ArgumentOutOfRangeException(nameof(options), $"probe pulses {options.ProbePulses} outside 1..{max}");
        _device = device;
        _window = window;
        _options = options;
        _ids = ids;
        int n = window.CellCount;
        _g0 = new float[n]; _g0b = new float[n]; _g1 = new float[n]; _g2 = new float[n];
        _counts = new short[n];
    }

    public readonly record struct Result(double StuckFraction, double WriteFailureFraction, double NoiseSiemens, long PulsesApplied);

    public Result Run()
    {
        var d = _device.Description;
        int n = _window.CellCount;
        _device.MeasureConductances(_window, _g0);
        _device.MeasureConductances(_window, _g0b);
        double noise = NoiseFromPair(_g0, _g0b);
        double mid = 0.5 * (d.GMinSiemens + d.GMaxSiemens);
        short p = (short)_options.ProbePulses;
        // First leg away from the nearer edge, so a healthy cell always has room to move.
        for (int i = 0; i < n; i++)
        {
            _g0[i] = 0.5f * (_g0[i] + _g0b[i]);
            _counts[i] = _g0[i] < mid ? p : (short)-p;
        }
        var request = new PulseRequest(_ids.Next(), (float)d.Capabilities.NominalPulseVoltage.Volts, (float)d.Capabilities.NominalPulseWidth.Seconds);
        long applied = _device.ApplyCellPulses(request, _window, _counts).PulsesApplied;
        _device.MeasureConductances(_window, _g1);
        for (int i = 0; i < n; i++) _counts[i] = (short)-_counts[i];
        applied += _device.ApplyCellPulses(request with { Id = _ids.Next() }, _window, _counts).PulsesApplied;
        _device.MeasureConductances(_window, _g2);

        // Differences of an averaged and a single measurement: sigma * sqrt(1.5) (first leg) or sqrt(2) (second); use the larger.
        double threshold = _options.MoveThresholdSigmas * noise * Math.Sqrt(2);
        var responses = new double[2 * n];
        int stuck = 0;
        for (int i = 0; i < n; i++)
        {
            double sign = _counts[i] < 0 ? 1 : -1; // the first leg went opposite to the second leg's counts
            double first = sign * (_g1[i] - _g0[i]);
            double second = sign * (_g1[i] - _g2[i]);
            responses[2 * i] = first;
            responses[2 * i + 1] = second;
            if (first <= threshold && second <= threshold) stuck++;
        }
        var sorted = (double[])responses.Clone();
        Array.Sort(sorted);
        double median = sorted[sorted.Length / 2];
        _referenceResponse ??= Math.Max(median, threshold);
        double weak = Math.Max(threshold, _options.WeakResponseFraction * _referenceResponse.Value);
        int failures = 0;
        foreach (var r in responses) if (r <= weak) failures++;
        return new Result(stuck / (double)n, failures / (double)responses.Length, noise, applied);
    }

    /// <summary>Per-measurement noise from two back-to-back measurements: std(a - b) / sqrt(2).</summary>
    internal static double NoiseFromPair(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length < 2) return 0;
        double mean = 0;
        for (int i = 0; i < a.Length; i++) mean += a[i] - b[i];
        mean /= a.Length;
        double ss = 0;
        for (int i = 0; i < a.Length; i++) { double e = a[i] - b[i] - mean; ss += e * e; }
        return Math.Sqrt(ss / (a.Length - 1) / 2);
    }
}

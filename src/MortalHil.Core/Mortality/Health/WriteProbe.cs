using MortalHil.Core.Devices;

namespace MortalHil.Core.Mortality.Health;

/// <summary>
/// Checks whether spare cells still respond to programming: measure, pulse each cell towards the far
/// side of its window and back, measure after each leg (every state measured twice and averaged). A
/// cell that moves in neither direction beyond measurement noise is stuck; a leg that moves its
/// cell much less than the cells did when first probed is a write failure. Decided by measurement
/// alone; the pulse count is raised on the first probe until healthy cells clearly move.
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
        if (options.ProbePulses < 1 || options.MaxProbePulses < options.ProbePulses)
            throw new ArgumentOutOfRangeException(nameof(options), $"probe pulses {options.ProbePulses} must be at least 1 and at most MaxProbePulses {options.MaxProbePulses}");
        _device = device;
        _window = window;
        _options = options;
        _ids = ids;
        int n = window.CellCount;
        _g0 = new float[n]; _g0b = new float[n]; _g1 = new float[n]; _g2 = new float[n];
        _counts = new short[n];
        _direction = new short[n];
        PulsesPerLeg = options.ProbePulses;
    }

    /// <summary>Pulses per direction in use (settled by the first probe).</summary>
    public int PulsesPerLeg { get; private set; }

    public readonly record struct Result(double StuckFraction, double WriteFailureFraction, double NoiseSiemens, long PulsesApplied);

    private readonly short[] _direction;
    private bool _settled;

    public Result Run()
    {
        var d = _device.Description;
        int n = _window.CellCount;
        Measure(_g0, _g0b);
        double noise = NoiseFromPair(_g0, _g0b);
        double mid = 0.5 * (d.GMinSiemens + d.GMaxSiemens);
        // First leg away from the nearer edge, so a healthy cell always has room to move.
        for (int i = 0; i < n; i++)
        {
            _g0[i] = 0.5f * (_g0[i] + _g0b[i]);
            _direction[i] = _g0[i] < mid ? (short)1 : (short)-1;
        }
        // Differences of two averaged measurements have sigma = noise.
        double threshold = _options.MoveThresholdSigmas * noise;
        long applied = 0;
        var responses = new double[2 * n];
        while (true)
        {
            applied += Pulse(PulsesPerLeg, +1);
            Measure(_g1, _g0b);
            for (int i = 0; i < n; i++) _g1[i] = 0.5f * (_g1[i] + _g0b[i]);
            applied += Pulse(PulsesPerLeg, -1);
            Measure(_g2, _g0b);
            for (int i = 0; i < n; i++) _g2[i] = 0.5f * (_g2[i] + _g0b[i]);
            for (int i = 0; i < n; i++)
            {
                responses[2 * i] = _direction[i] * (_g1[i] - _g0[i]);
                responses[2 * i + 1] = _direction[i] * (_g1[i] - _g2[i]);
            }
            // Settled once nearly every cell clears the threshold twice over (the tenth percentile, so that up to a tenth
            // of the cells may be stuck): a median that merely clears it leaves a healthy cell whose write noise happens
            // to cancel its move below the threshold in both legs, counted stuck, and more of them as read noise grows.
            if (_settled || PulsesPerLeg * 2 > _options.MaxProbePulses || Percentile(responses, 0.10) >= 2 * threshold) break;
            // The cells barely moved: probe harder, from where they are now.
            PulsesPerLeg *= 2;
            _g2.CopyTo(_g0, 0);
        }
        _settled = true;

        int stuck = 0;
        for (int i = 0; i < n; i++)
            if (responses[2 * i] <= threshold && responses[2 * i + 1] <= threshold) stuck++;
        _referenceResponse ??= Math.Max(Median(responses), threshold);
        double weak = Math.Max(threshold, _options.WeakResponseFraction * _referenceResponse.Value);
        int failures = 0;
        foreach (var r in responses) if (r <= weak) failures++;
        return new Result(stuck / (double)n, failures / (double)responses.Length, noise, applied);
    }

    /// <summary>Sends <paramref name="pulses"/> per cell in direction <paramref name="sign"/> x each cell's first-leg direction, in requests the board allows.</summary>
    private long Pulse(int pulses, int sign)
    {
        var d = _device.Description;
        int maxPerRequest = d.Limits.MaxPulsesPerCellPerRequest;
        long applied = 0;
        for (int left = pulses; left > 0; left -= maxPerRequest)
        {
            short k = (short)Math.Min(left, maxPerRequest);
            for (int i = 0; i < _counts.Length; i++) _counts[i] = (short)(sign * _direction[i] * k);
            var request = new PulseRequest(_ids.Next(), (float)d.Capabilities.NominalPulseVoltage.Volts, (float)d.Capabilities.NominalPulseWidth.Seconds);
            applied += _device.ApplyCellPulses(request, _window, _counts).PulsesApplied;
        }
        return applied;
    }

    private void Measure(float[] a, float[] b)
    {
        _device.MeasureConductances(_window, a);
        _device.MeasureConductances(_window, b);
    }

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double p)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
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

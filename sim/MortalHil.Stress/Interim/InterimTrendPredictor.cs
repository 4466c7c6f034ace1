using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Interim;

/// <summary>
/// Remaining useful life from the trend of canary accuracy: a least-squares line through the last
/// <c>window</c> observations; the board's life ends when the line crosses 95 % of the board's own early
/// accuracy (mean of its first three observations). The decision uses a lower estimate: the crossing of
/// the line whose slope is two standard errors steeper. A failed self test calls a handover at once.
/// </summary>
internal sealed class InterimTrendPredictor(int window) : IFailurePredictor
{
    private const double FloorFraction = 0.95;
    private readonly List<HealthObservation> _history = [];
    private double _reference = double.NaN;

    public void Observe(HealthObservation observation)
    {
        _history.Add(observation);
        if (_history.Count > 4 * window) _history.RemoveRange(0, _history.Count - 2 * window);
        if (_history.Count == 3 && double.IsNaN(_reference)) _reference = _history.Average(o => o.CanaryAccuracy);
    }

    public HandoverCall Assess(double handoverSeconds, double marginSeconds)
    {
        if (_history.Count == 0) return new HandoverCall(false, double.PositiveInfinity, double.PositiveInfinity);
        if (!_history[^1].SelfTestPassed) return new HandoverCall(true, 0, 0);
        if (double.IsNaN(_reference) || _history.Count < 3) return new HandoverCall(false, double.PositiveInfinity, double.PositiveInfinity);

        int n = Math.Min(window, _history.Count);
        var recent = _history.GetRange(_history.Count - n, n);
        double t0 = recent[^1].AgeSeconds;
        double mx = recent.Average(o => o.AgeSeconds - t0), my = recent.Average(o => o.CanaryAccuracy);
        double sxx = 0, sxy = 0;
        foreach (var o in recent) { double dx = o.AgeSeconds - t0 - mx; sxx += dx * dx; sxy += dx * (o.CanaryAccuracy - my); }
        double floor = FloorFraction * _reference;
        if (sxx <= 0) return Decide(my < floor ? 0 : double.PositiveInfinity, my < floor ? 0 : double.PositiveInfinity, handoverSeconds, marginSeconds);
        double slope = sxy / sxx, intercept = my - slope * mx; // fitted accuracy at "now" (x = 0) is the intercept
        double sse = 0;
        foreach (var o in recent) { double r = o.CanaryAccuracy - (intercept + slope * (o.AgeSeconds - t0)); sse += r * r; }
        double slopeSe = n > 2 ? Math.Sqrt(sse / (n - 2) / sxx) : 0;

        double Crossing(double s) => intercept <= floor ? 0 : s < 0 ? (floor - intercept) / s : double.PositiveInfinity;
        return Decide(Crossing(slope), Crossing(slope - 2 * slopeSe), handoverSeconds, marginSeconds);
    }

    private static HandoverCall Decide(double life, double lower, double handoverSeconds, double marginSeconds)
        => new(lower < handoverSeconds + marginSeconds, life, lower);
}

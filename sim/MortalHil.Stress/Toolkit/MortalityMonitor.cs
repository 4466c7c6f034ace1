using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Stress.Ports;
using CoreLabelledSet = MortalHil.Core.Mortality.Ports.LabelledSet;
using CorePolicy = MortalHil.Core.Mortality.Prediction.HandoverPolicy;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// Mortality's <see cref="HandoverWatch"/> for one serving board: its <see cref="HealthMonitor"/> (canary accuracy,
/// cell census, optional write probe on spare cells), <see cref="RemainingLifePredictor"/> and <see cref="CorePolicy"/>.
/// The canary indicator fails at <c>failureThreshold</c> times the board's healthy canary accuracy (the mean
/// of its first <see cref="BaselineChecks"/> checks); the stuck indicator (with a probe) at <c>stuckThreshold</c>.
/// </summary>
internal sealed class MortalityMonitor : IBoardMonitor
{
    private readonly HealthMonitor _monitor;
    private readonly CorePolicy _policy;
    private readonly double _failureThreshold, _stuckThreshold;
    private readonly bool _probe;
    private HandoverWatch? _watch;
    private HandoverDecision? _decision;
    private readonly List<double> _early = [];

    /// <summary>Checks whose mean canary accuracy is the board's healthy level (one check on a small canary set is too noisy).</summary>
    public const int BaselineChecks = 3;

    public MortalityMonitor(MappedNetwork network, CoreLabelledSet canary, CrossbarWindow? probeWindow, double handoverSeconds, double marginSeconds,
        double failureThreshold, double stuckThreshold, ulong pulseIdStart)
    {
        var census = network.AllLayers.SelectMany(l => l.Blocks).Select(b => b.Window).ToArray();
        _monitor = new HealthMonitor(network.Device, network, canary, new HealthMonitorOptions { CensusWindows = census, ProbeWindow = probeWindow },
            new PulseIdSource(pulseIdStart));
        _policy = new CorePolicy(TimeSpan.FromSeconds(handoverSeconds), TimeSpan.FromSeconds(marginSeconds));
        _failureThreshold = failureThreshold;
        _stuckThreshold = stuckThreshold;
        _probe = probeWindow is not null;
    }

    public HealthCheck Check()
    {
        if (_watch is null)
        {
            // The indicators are set once the board's healthy level is known: canary accuracy fails at a share of it.
            var sample = _monitor.Check();
            _early.Add(sample.CanaryAccuracy ?? double.NaN);
            if (_early.Count == BaselineChecks)
            {
                double healthy = _early.Average();
                List<HealthIndicator> indicators = [new(HealthSignals.CanaryAccuracy, AgeingDirection.Falling, _failureThreshold * healthy, healthy)];
                if (_probe) indicators.Add(new HealthIndicator(HealthSignals.StuckFraction, AgeingDirection.Rising, _stuckThreshold));
                _watch = new HandoverWatch(_monitor, new RemainingLifePredictor(), _policy, indicators);
            }
            return new HealthCheck(sample.CanaryAccuracy ?? double.NaN, sample.StuckFraction);
        }
        var r = _watch.Check();
        _decision = r.Decision;
        return new HealthCheck(r.Sample.CanaryAccuracy ?? double.NaN, r.Sample.StuckFraction);
    }

    public HandoverCall Assess() => _decision is { } d
        ? new HandoverCall(d.CallHandover, d.Reason, d.Limiting?.Lower?.TotalSeconds)
        : new HandoverCall(false, "too few health checks yet", null);
}

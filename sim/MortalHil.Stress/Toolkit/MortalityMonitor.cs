using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Stress.Ports;
using CoreLabelledSet = MortalHil.Core.Mortality.Ports.LabelledSet;
using CorePolicy = MortalHil.Core.Mortality.Prediction.HandoverPolicy;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// Mortality's <see cref="HealthMonitor"/> (canary accuracy, cell census, optional write probe on spare cells)
/// and <see cref="RemainingLifePredictor"/> with its <see cref="CorePolicy"/>, for one serving board.
/// The canary indicator fails at <c>failureThreshold</c> times the board's canary accuracy at its first check;
/// the stuck indicator (with a probe) at <c>stuckThreshold</c>.
/// </summary>
internal sealed class MortalityMonitor : IBoardMonitor
{
    private readonly HealthMonitor _monitor;
    private readonly RemainingLifePredictor _predictor = new();
    private readonly CorePolicy _policy;
    private readonly double _failureThreshold, _stuckThreshold;
    private readonly bool _probe;
    private List<HealthIndicator>? _indicators;

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
        var s = _monitor.Check();
        double canary = s.CanaryAccuracy ?? double.NaN;
        if (_indicators is null)
        {
            _indicators = [new HealthIndicator(HealthSignals.CanaryAccuracy, AgeingDirection.Falling, _failureThreshold * canary, canary)];
            if (_probe) _indicators.Add(new HealthIndicator(HealthSignals.StuckFraction, AgeingDirection.Rising, _stuckThreshold));
        }
        return new HealthCheck(canary, s.StuckFraction);
    }

    public HandoverCall Assess()
    {
        if (_indicators is null) return new HandoverCall(false, "no health check yet", null);
        var decision = _policy.Decide(_monitor.Series.Predict(_predictor, _indicators));
        return new HandoverCall(decision.CallHandover, decision.Reason, decision.Limiting?.Lower?.TotalSeconds);
    }
}

using MortalHil.Core.Mortality.Health;

namespace MortalHil.Core.Mortality.Prediction;

/// <summary>
/// Watches one board for the moment to hand over: each <see cref="Check"/> runs a health check,
/// predicts remaining life from every indicator's series and asks the policy.
/// </summary>
public sealed class HandoverWatch(HealthMonitor monitor, RemainingLifePredictor predictor, HandoverPolicy policy, IReadOnlyList<HealthIndicator> indicators)
{
    public HealthMonitor Monitor => monitor;
    public HandoverPolicy Policy => policy;
    public IReadOnlyList<HealthIndicator> Indicators => indicators;

    /// <summary>One health check and the decision it leads to. Throws <see cref="Devices.DeviceFailedException"/> if the board has died.</summary>
    public WatchResult Check()
    {
        var sample = monitor.Check();
        var estimates = monitor.Series.Predict(predictor, indicators);
        return new WatchResult(sample, estimates, policy.Decide(estimates));
    }
}

/// <summary>What one watch check measured and decided.</summary>
public sealed record WatchResult(HealthSample Sample, IReadOnlyList<RemainingLifeEstimate> Estimates, HandoverDecision Decision);

using MortalHil.Core.Live;
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
        HealthSample sample;
        try { sample = monitor.Check(); }
        catch (Devices.DeviceFailedException e)
        {
            LiveHealth.PublishDeath(monitor.Device, e.Message);
            throw;
        }
        var estimates = monitor.Series.Predict(predictor, indicators);
        var decision = policy.Decide(estimates);
        // An operator's request from a dashboard calls the handover whatever the trends say.
        if (!decision.CallHandover && LiveHealth.TakeHandoverRequest(monitor.Device))
            decision = decision with { CallHandover = true, Reason = "an operator asked for a handover from the dashboard" };
        var result = new WatchResult(sample, estimates, decision);
        LiveHealth.Publish(monitor.Device, result);
        return result;
    }
}

/// <summary>What one watch check measured and decided.</summary>
public sealed record WatchResult(HealthSample Sample, IReadOnlyList<RemainingLifeEstimate> Estimates, HandoverDecision Decision);

using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// The stress runner's monitor port over Core's <see cref="LifecycleWatch"/>: the same definition of failing (the
/// knowledge budget below the healthy canary level, the stuck share of the write probe) and the same predictor and
/// handover policy as the demo and the other commands.
/// </summary>
internal sealed class MortalityMonitor(LifecycleWatch watch) : IBoardMonitor
{
    public HealthCheck Check()
    {
        var c = watch.Check();
        return new HealthCheck(c.Sample.CanaryAccuracy ?? double.NaN, c.Sample.StuckFraction);
    }

    public double? HealthyCanary => watch.HealthyCanary;

    public double? LineageBest => watch.LineageBest;

    public bool CommissioningCheckDue => watch.CommissioningCheckDue;

    public HandoverCall Assess() => watch.LastDecision is { } d
        ? new HandoverCall(d.CallHandover, d.Reason, d.Limiting?.Lower?.TotalSeconds)
        : new HandoverCall(false, "too few health checks yet", null);
}

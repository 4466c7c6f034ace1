namespace MortalHil.Stress.Ports;

/// <summary>One health check of a serving board as the runner records it.</summary>
/// <param name="CanaryAccuracy">Accuracy on the canary set.</param>
/// <param name="StuckFraction">Stuck share of the probe cells, when the monitor probes.</param>
public readonly record struct HealthCheck(double CanaryAccuracy, double? StuckFraction);

/// <summary>A monitor's verdict on when to hand over.</summary>
/// <param name="CallHandover">True when the pessimistic remaining life is shorter than the handover's duration plus the margin.</param>
/// <param name="Reason">One line saying why (for the report).</param>
/// <param name="RemainingLifeLowerSeconds">The pessimistic remaining life the decision used; null when none could be estimated.</param>
public readonly record struct HandoverCall(bool CallHandover, string Reason, double? RemainingLifeLowerSeconds);

/// <summary>Health monitor and failure predictor of one serving board.</summary>
public interface IBoardMonitor
{
    /// <summary>Measures the board now and adds the measurement to its history. Throws what the board throws.</summary>
    HealthCheck Check();

    /// <summary>The board's healthy canary accuracy once the monitor knows it; null before (or when it does not say).</summary>
    double? HealthyCanary => null;

    /// <summary>The best healthy canary level of the board's lineage, its own included, once known; null when the monitor does not say.</summary>
    double? LineageBest => null;

    /// <summary>True when the policy wants a check as the board starts serving, before it ages.</summary>
    bool CommissioningCheckDue => false;

    /// <summary>Decides from the history whether to hand over now.</summary>
    HandoverCall Assess();
}

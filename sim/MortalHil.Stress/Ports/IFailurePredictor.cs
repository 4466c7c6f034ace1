namespace MortalHil.Stress.Ports;

/// <summary>One health measurement of a serving board, as the host's monitor takes it.</summary>
/// <param name="AgeSeconds">Board age (its own clock) when measured.</param>
/// <param name="CanaryAccuracy">Accuracy on the small labelled canary set, in [0, 1].</param>
/// <param name="SelfTestPassed">The board's built-in self test.</param>
public readonly record struct HealthObservation(double AgeSeconds, double CanaryAccuracy, bool SelfTestPassed);

/// <summary>A predictor's verdict.</summary>
/// <param name="CallHandover">True when the predicted life is shorter than the time a handover needs plus the margin.</param>
/// <param name="RemainingLifeSeconds">Point estimate of the remaining useful life (+inf when no decline is seen).</param>
/// <param name="RemainingLifeLowerSeconds">Conservative (lower) estimate the decision used.</param>
public readonly record struct HandoverCall(bool CallHandover, double RemainingLifeSeconds, double RemainingLifeLowerSeconds);

/// <summary>Remaining-useful-life prediction for one serving board, from its health time series.</summary>
public interface IFailurePredictor
{
    /// <summary>Adds a measurement (in time order).</summary>
    void Observe(HealthObservation observation);

    /// <summary>Decides whether to start a handover now, given how long one takes and the policy's margin.</summary>
    HandoverCall Assess(double handoverSeconds, double marginSeconds);
}

namespace MortalHil.Core.Mortality.Prediction;

/// <summary>
/// When to start a handover: as soon as the pessimistic remaining life of any indicator is shorter
/// than the time a handover needs plus a safety margin.
/// </summary>
/// <param name="HandoverDuration">Board time a handover is expected to take.</param>
/// <param name="Margin">Extra time kept in reserve.</param>
public sealed record HandoverPolicy(TimeSpan HandoverDuration, TimeSpan Margin)
{
    /// <summary>The life below which a handover is called.</summary>
    public TimeSpan Budget => HandoverDuration + Margin;

    /// <summary>Decides from the estimates of every indicator (indicators too short to fit are simply absent).</summary>
    public HandoverDecision Decide(IEnumerable<RemainingLifeEstimate> estimates)
    {
        RemainingLifeEstimate? limiting = null;
        foreach (var e in estimates)
            if (limiting is null || Shorter(e.Lower, limiting.Lower)) limiting = e;
        if (limiting is null)
            return new HandoverDecision(false, null, Budget, "no indicator has enough samples yet");
        if (limiting.Lower is { } lower && lower < Budget)
            return new HandoverDecision(true, limiting, Budget,
                $"{limiting.Indicator}: pessimistic remaining life {lower.TotalHours:F1} h < handover {HandoverDuration.TotalHours:F1} h + margin {Margin.TotalHours:F1} h");
        return new HandoverDecision(false, limiting, Budget, $"shortest pessimistic life: {limiting}");
    }

    private static bool Shorter(TimeSpan? a, TimeSpan? b) => (a, b) switch
    {
        (null, _) => false,
        (not null, null) => true,
        ({ } x, { } y) => x < y,
    };
}

/// <summary>The outcome of <see cref="HandoverPolicy.Decide"/>.</summary>
/// <param name="CallHandover">True: start handing over now.</param>
/// <param name="Limiting">The indicator with the shortest pessimistic life (null when none could be fitted).</param>
/// <param name="Budget">Handover duration plus margin.</param>
/// <param name="Reason">One line saying why.</param>
public sealed record HandoverDecision(bool CallHandover, RemainingLifeEstimate? Limiting, TimeSpan Budget, string Reason);

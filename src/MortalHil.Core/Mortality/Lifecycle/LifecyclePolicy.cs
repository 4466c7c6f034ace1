using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Prediction;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// When a serving board counts as failing, and how much warning a handover gets: the one definition the
/// demo, <c>handover</c>, <c>experiment mortality</c> and the stress runner share.
/// <para>
/// A board fails on its <b>knowledge</b> once its canary accuracy falls <see cref="KnowledgeBudget"/> below its
/// healthy level (the mean of its first <see cref="BaselineChecks"/> checks: one reading of a small canary set is
/// too noisy to be "the best"); it fails physically once <see cref="StuckLimit"/> of its write-probe cells are
/// stuck. The remaining-life predictor extrapolates both with intervals, and the handover is called as soon as the
/// pessimistic time to either is shorter than the handover needs plus <see cref="Margin"/>: early enough to
/// finish while the teacher still knows what it knew.
/// </para>
/// </summary>
public sealed record LifecyclePolicy
{
    /// <summary>Canary accuracy (absolute, 0.01 = one point) a teacher may lose before it counts as failing; also the
    /// most a student may trail its teacher on the canary set at cut-over.</summary>
    public double KnowledgeBudget { get; init; } = 0.01;

    /// <summary>Health checks whose mean canary accuracy is the board's healthy level.</summary>
    public int BaselineChecks { get; init; } = 3;

    /// <summary>Stuck share of the write-probe cells at which the board counts as failed.</summary>
    public double StuckLimit { get; init; } = 0.10;

    /// <summary>Time kept in reserve beyond the handover's expected duration.</summary>
    public TimeSpan Margin { get; init; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How much longer than its planned budget a student may keep distilling when it does not yet match the teacher
    /// within <see cref="KnowledgeBudget"/> (1: twice the planned steps in all). After that the handover fails, with its cause.
    /// </summary>
    public double ExtraStudentBudget { get; init; } = 1.0;

    /// <summary>
    /// Board age at which a serving board is handed over whatever its health says (null: never). Sudden deaths
    /// (Weibull lifetimes) give no warning a trend could see; replacing boards at a fixed age bounds how many of them
    /// die serving.
    /// </summary>
    public TimeSpan? PreventiveAge { get; init; }

    /// <summary>
    /// Take the first health check as a board starts serving, before it ages (true), so that a fall in its first days counts
    /// against its healthy level instead of setting it: the conductance drift of phase-change cells is fastest right after they
    /// are programmed (it follows a power law in the time since programming), so checks that start two weeks later see a
    /// board that has already lost what it will lose, and call it healthy.
    /// </summary>
    public bool CheckAtCommissioning { get; init; } = true;

    /// <summary>
    /// With <see cref="CheckAtCommissioning"/>: the healthy level is the mean of <see cref="BaselineChecks"/> canary readings taken
    /// back to back as the board starts serving, and the watch judges the board from its first check after that (true); otherwise the
    /// mean of its first <see cref="BaselineChecks"/> checks, which on a phase-change board that loses points in its first weeks
    /// already holds the loss (a board that fell 5 points by its second check got a healthy level 3 points below what it knew).
    /// </summary>
    public bool BaselineAtCommissioning { get; init; } = true;

    /// <summary>
    /// Extrapolate the canary's level (true): the predictor bounds the fitted level, not one more reading. False: a new reading's
    /// prediction interval, which on a 256-image canary crosses a one-point budget on a flat series (fleet-100x5: almost every board,
    /// healthy or not, was called at the predictor's eighth sample). Either way the watch calls the handover as soon as the mean of the
    /// latest <see cref="BaselineChecks"/> readings after the baseline is below the healthy level minus <see cref="KnowledgeBudget"/>,
    /// without waiting for enough samples to fit a trend.
    /// </summary>
    public bool KnowledgeByLevel { get; init; } = true;

    /// <summary>
    /// Canary accuracy (absolute) a board may trail the best healthy level of its lineage (the boards that served the same position before
    /// it, and itself) before it counts as failing, and the least a student must reach at cut-over; null: off. The knowledge budget alone
    /// measures each board against itself, so a board that starts two points under its lineage's best (a distillation gap, a weaker
    /// cold start) may lose its budget and more before anything calls, while the service it gives is judged against the lineage's best.
    /// </summary>
    public double? LineageBudget { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        if (!(KnowledgeBudget > 0 && KnowledgeBudget < 1)) throw new ArgumentException($"knowledge budget must be in (0, 1), got {KnowledgeBudget}");
        if (BaselineChecks < 1) throw new ArgumentException($"baseline checks must be at least 1, got {BaselineChecks}");
        if (!(StuckLimit > 0 && StuckLimit <= 1)) throw new ArgumentException($"stuck limit must be in (0, 1], got {StuckLimit}");
        if (Margin < TimeSpan.Zero) throw new ArgumentException("margin must not be negative");
        if (!(ExtraStudentBudget >= 0) || !double.IsFinite(ExtraStudentBudget)) throw new ArgumentException($"extra student budget must be >= 0, got {ExtraStudentBudget}");
        if (PreventiveAge is { } age && age <= TimeSpan.Zero) throw new ArgumentException("preventive age must be positive");
        if (LineageBudget is { } lb && !(lb > 0 && lb < 1)) throw new ArgumentException($"lineage budget must be in (0, 1), got {lb}");
    }

    /// <summary>
    /// The canary level below which a board whose healthy level is <paramref name="healthyCanary"/> counts as failing: its healthy level
    /// minus <see cref="KnowledgeBudget"/>, or with <see cref="LineageBudget"/> and a known <paramref name="lineageBest"/>, the lineage's
    /// best minus that budget when it is higher.
    /// </summary>
    public double FailureLevel(double healthyCanary, double? lineageBest = null)
        => LineageBudget is { } lb && lineageBest is { } best ? Math.Max(healthyCanary - KnowledgeBudget, best - lb) : healthyCanary - KnowledgeBudget;

    /// <summary>
    /// The canary level a student is verified against (it must come within <see cref="KnowledgeBudget"/> of it): its teacher's healthy
    /// level, raised with <see cref="LineageBudget"/> so that the student also reaches the lineage's best minus that budget. Null when
    /// neither is known.
    /// </summary>
    public double? VerifyReference(double? teacherHealthy, double? lineageBest)
    {
        double? lineage = LineageBudget is { } lb && lineageBest is { } best ? best - lb + KnowledgeBudget : null;
        return teacherHealthy is { } t ? Math.Max(t, lineage ?? double.NegativeInfinity) : lineage;
    }

    /// <summary>
    /// The indicators of a board whose healthy canary accuracy is <paramref name="healthyCanary"/> (in a lineage whose best healthy level
    /// is <paramref name="lineageBest"/>, when known).
    /// </summary>
    public IReadOnlyList<HealthIndicator> Indicators(double healthyCanary, bool probe, double? lineageBest = null)
    {
        List<HealthIndicator> list = [new(Health.HealthSignals.CanaryAccuracy, AgeingDirection.Falling, FailureLevel(healthyCanary, lineageBest), healthyCanary) { Level = KnowledgeByLevel }];
        if (probe) list.Add(new HealthIndicator(Health.HealthSignals.StuckFraction, AgeingDirection.Rising, StuckLimit));
        return list;
    }

    /// <summary>
    /// <paramref name="plan"/> as this policy runs it: the student cuts over only when it is within <see cref="KnowledgeBudget"/>
    /// of its teacher on the canary set, and may take <see cref="ExtraStudentBudget"/> times its planned steps more to get there.
    /// </summary>
    public HandoverPlan Verified(HandoverPlan plan) => plan with
    {
        VerifyWithin = KnowledgeBudget,
        ExtraStudentSteps = (int)Math.Round(plan.StudentSteps * ExtraStudentBudget),
    };

    /// <summary>True when a board whose own clock reads <paramref name="boardAge"/> is due for its preventive handover.</summary>
    public bool PreventiveAgeReached(TimeSpan boardAge) => PreventiveAge is { } limit && boardAge >= limit;

    /// <summary>The handover policy for a handover that needs <paramref name="handoverDuration"/> of board time.</summary>
    public HandoverPolicy HandoverPolicy(TimeSpan handoverDuration) => new(handoverDuration, Margin);
}

namespace MortalHil.Stress.Metrics;

/// <summary>
/// What a scenario run measured, over a set of lineages (one seed's fleet, or all seeds pooled).
/// Deterministic: a function of the simulated results only (wall-clock figures live in <see cref="Reporting.StressTiming"/>).
/// </summary>
public sealed record StressMetrics
{
    /// <summary>Share of lineage time during which a board at &gt;= 95 % of its lineage's best accuracy was serving.</summary>
    public required double ServiceAvailability { get; init; }
    /// <summary>Share of lineage time during which any board was serving.</summary>
    public required double ServingShare { get; init; }
    /// <summary>Teacher outputs committed to a journal before a host crash that the resumed process did not see (must be 0).</summary>
    public required long JournaledOutputsLost { get; init; }
    /// <summary>Journaled teacher outputs compared across crashes (the denominator of the above).</summary>
    public required long JournaledOutputsChecked { get; init; }
    /// <summary>Journaled student training steps a resumed process did not count (must be 0).</summary>
    public required long StudentStepsLost { get; init; }
    public required long StudentStepsChecked { get; init; }
    /// <summary>Pulses boards applied beyond the first-application receipts seen on their links (must be 0).</summary>
    public required long PulsesAppliedTwice { get; init; }
    /// <summary>Pulse requests sent again (link retries, resumed steps) that boards recognised and did not apply.</summary>
    public required long DuplicatePulseRequestsRefused { get; init; }
    /// <summary>Boards that served, over all lineages (a lineage's first board and every successor).</summary>
    public required int BoardGenerations { get; init; }
    public required HandoverCounts Handovers { get; init; }
    public required FaultCounts Faults { get; init; }
    public required SortedDictionary<string, int> DeathsByCause { get; init; }
    /// <summary>Failed and unfinished handovers by stated cause (the cause up to its first parenthesis); "(none stated)" counts those without one.</summary>
    public SortedDictionary<string, int> UnsuccessfulHandoverCauses { get; init; } = [];
    /// <summary>Costs of completed handovers.</summary>
    public required PerHandoverCost PerHandover { get; init; }
    public required IReadOnlyList<GenerationStats> KnowledgeRetainedPerGeneration { get; init; }
    public required SpareStats Spares { get; init; }
    public required IReadOnlyList<AvailabilityPoint> AvailabilityOverTime { get; init; }
    /// <summary>Apprentice mode: apprentices distilled and what became of them (all zero without it).</summary>
    public ApprenticeCounts Apprentices { get; init; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);
    /// <summary>Apprentice distillations that failed or did not finish, by stated cause (as for handovers).</summary>
    public SortedDictionary<string, int> UnsuccessfulApprenticeCauses { get; init; } = [];
    /// <summary>Spares, teacher queries and student pulses of every distillation of the run, handovers and apprentices together.</summary>
    public DistillationTotals DistillationTotals { get; init; } = new(0, 0, 0);
}

/// <summary>
/// Apprentices whose distillation started and completed; promoted at their teacher's call or death; that did not pass the check then (their
/// board served what followed); that died standing by or were left when the lineage ended; and what their distillations cost.
/// </summary>
public sealed record ApprenticeCounts(int Started, int Distilled, int PromotedAtCall, int PromotedAtDeath, int Unfit, int Unused, int SparesUsed,
    long TeacherQueries, long StudentPulses);

/// <summary>Spares asked for, teacher queries and student pulses of all distillations of a run (handovers and apprentices).</summary>
public sealed record DistillationTotals(int SparesUsed, long TeacherQueries, long StudentPulses);

/// <summary>Handovers by outcome.</summary>
/// <param name="Started">Handovers called (by the predictor, a failed self test or the preventive age).</param>
/// <param name="Completed">Cut over to a distilled student.</param>
/// <param name="Failed">Ended without a distilled student (nothing usable was collected before the teacher died).</param>
/// <param name="Unfinished">Still running when the scenario's time ran out.</param>
/// <param name="Resumed">Handovers resumed from their journal at least once.</param>
/// <param name="ResumeEvents">Resumes in all (host crashes and lost links).</param>
/// <param name="LostBeforeHandover">Serving boards that died before any handover was called.</param>
/// <param name="ColdStarts">Boards trained from labels because nothing was handed on.</param>
public sealed record HandoverCounts(int Started, int Completed, int Failed, int Unfinished, int Resumed, int ResumeEvents, int LostBeforeHandover, int ColdStarts);

/// <summary>Faults that happened (injected and natural).</summary>
public sealed record FaultCounts(
    int TeacherDeathsMidHandover, int TeacherDeathsInjected, int StudentDeathsMidHandover, int StudentDeathsInjected,
    int HostCrashesInHandover, int HostCrashesWhileServing, long LinkErrors, long LinkRetries, long LinkLosses);

/// <summary>Mean, minimum, maximum and total of a quantity over <see cref="Count"/> items.</summary>
public sealed record Summary(int Count, double Mean, double Min, double Max, double Total)
{
    public static Summary Of(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return v.Length == 0 ? new Summary(0, 0, 0, 0, 0) : new Summary(v.Length, v.Average(), v.Min(), v.Max(), v.Sum());
    }
}

/// <summary>Per completed handover: teacher queries (samples read, retries included), student pulses, bits handed on, durations.</summary>
public sealed record PerHandoverCost(Summary TeacherQueries, Summary StudentPulses, Summary BitsTransferred, Summary SimHours, Summary WaitForSpareHours);

/// <summary>The boards of one generation across lineages.</summary>
/// <param name="Generation">0 = first boards.</param>
/// <param name="Boards">Boards of this generation that served.</param>
/// <param name="Distilled">Of them, taught by a handover.</param>
/// <param name="ColdStarted">Of them, trained from labels after a loss.</param>
/// <param name="Accuracy">Eval accuracy when they started serving.</param>
/// <param name="RetainedVsFirst">Distilled boards: accuracy / their lineage's generation-0 accuracy.</param>
/// <param name="RetainedVsTeacher">Distilled boards: accuracy / their teacher's accuracy when the handover was called.</param>
public sealed record GenerationStats(int Generation, int Boards, int Distilled, int ColdStarted, Summary Accuracy, Summary RetainedVsFirst, Summary RetainedVsTeacher);

/// <summary>The spare pool as the fleet used it.</summary>
public sealed record SpareStats(int Requested, int NeverDelivered, Summary WaitHours);

/// <summary>Fleet state at one moment: share of lineages serving at &gt;= 95 % of best, and serving at all.</summary>
public sealed record AvailabilityPoint(double Years, double Available, double Serving);

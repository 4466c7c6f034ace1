using MortalHil.Sim.Presets;

namespace MortalHil.Stress.Scenarios;

/// <summary>
/// A validated stress scenario: a fleet of simulated boards, how they age and fail, which faults are
/// injected, the spare pool, the handover policy and the task the boards serve. Built only by
/// <see cref="ScenarioLoader"/>; every value is in range and every default filled in.
/// Field meanings: sim/scenarios/README.md.
/// </summary>
public sealed record Scenario
{
    public required string Name { get; init; }
    public required string Description { get; init; }
    /// <summary>One independent run of the whole fleet per seed.</summary>
    public required IReadOnlyList<ulong> Seeds { get; init; }
    public required ScenarioDuration Duration { get; init; }
    /// <summary>Number of service positions (lineages); each starts with one board.</summary>
    public required int FleetSize { get; init; }
    public required DeviceMix Devices { get; init; }
    public required Hazards Hazards { get; init; }
    public required InjectedFaults Faults { get; init; }
    public required SparePoolSpec Spares { get; init; }
    public required HandoverPolicy Policy { get; init; }
    public required SyntheticTaskSpec Task { get; init; }
    public required NetworkSpec Network { get; init; }
    public required TrainingSpec Training { get; init; }
    public required MonitorSpec Monitor { get; init; }
    public required TimingSpec Timing { get; init; }

    /// <summary>
    /// The same scenario with another fleet size (for <c>--boards</c> and the bench). A finite spare pool is
    /// scaled with the fleet (initial stock and restock batch times boards / size, rounded up), so a bigger
    /// fleet meets the same scarcity rather than a relatively smaller pool.
    /// </summary>
    public Scenario WithFleetSize(int boards)
    {
        if (boards == FleetSize) return this;
        int Scale(int n) => (int)Math.Min(int.MaxValue, Math.Ceiling((double)n * boards / FleetSize));
        var spares = Spares with
        {
            InitialStock = Spares.InitialStock is int stock ? Scale(stock) : null,
            RestockBatch = Scale(Spares.RestockBatch),
        };
        return this with { FleetSize = boards, Spares = spares };
    }
}

/// <summary>Simulated time to cover, and optionally a cap on the boards per lineage.</summary>
/// <param name="Years">Simulated years per run.</param>
/// <param name="MaxGenerations">A lineage stops once its board number <c>MaxGenerations - 1</c> (0-based) starts serving; null = no cap.</param>
public sealed record ScenarioDuration(double Years, int? MaxGenerations);

/// <summary>Which device presets the fleet's boards are drawn from, on what tiles, with what board-to-board spread.</summary>
/// <param name="Presets">The presets and their shares, with geometry, converter range and hazards applied.</param>
/// <param name="Geometry">Tile geometry replacing the presets' own, or null.</param>
/// <param name="AdcFullScaleMicroamps">Column converter range replacing the presets' own, or null.</param>
/// <param name="Spread">Lot-to-lot spread.</param>
public sealed record DeviceMix(IReadOnlyList<PresetShare> Presets, GeometrySpec? Geometry, double? AdcFullScaleMicroamps, FleetSpread Spread);

/// <summary>A preset and its share of the fleet (shares are normalised).</summary>
/// <param name="Preset">The preset with the scenario's geometry and hazards applied.</param>
/// <param name="Share">Fraction of the fleet's boards of this preset.</param>
/// <param name="Source">What the file said: a built-in name or the resolved path.</param>
public sealed record PresetShare(DevicePreset Preset, double Share, string Source);

/// <summary>
/// Lot-to-lot spread on top of the simulator's own cell-level variation: each board's Weibull scale and
/// wear rate are multiplied by exp(sigma * N(0,1)); the preset's device-to-device spreads are scaled.
/// </summary>
public sealed record FleetSpread(double LifetimeLogSigma, double WearRateLogSigma, double DtodScale);

/// <summary>How boards age and die. Null fields keep the preset's own value.</summary>
public sealed record Hazards(
    double? StuckPerCellPerYear, double? StuckPerPulse, double? ReadNoiseGrowthPerYear, double? DeadStuckFraction,
    double? WeibullScaleYears, double? WeibullShape, double SuddenDeathPerYear);

/// <summary>Faults the runner injects.</summary>
public sealed record InjectedFaults(
    double TeacherDeathMidHandover, double StudentDeathMidHandover,
    double HostCrashesPerHandover, double HostCrashesPerYear, double RestartDelayMinutes,
    LinkFaults Link);

/// <summary>A flaky link to each board; the host retries failed calls with the same request.</summary>
/// <param name="ErrorRate">Probability that one device call fails on the link.</param>
/// <param name="MaxRetries">Retries per call before the host declares the link down.</param>
/// <param name="RetryDelayMs">Simulated time each retry costs.</param>
/// <param name="ResponseLostFraction">Of the failures, the share where the board acted but its answer was lost.</param>
public sealed record LinkFaults(double ErrorRate, double ResponseLostFraction, int MaxRetries, double RetryDelayMs);

/// <summary>The fleet's pool of spare boards.</summary>
/// <param name="InitialStock">Spares on the shelf at the start; null = unlimited.</param>
/// <param name="ProvisioningDelayHours">From request to a board ready to learn.</param>
/// <param name="RestockEveryDays">Period of restock deliveries; null = none.</param>
/// <param name="RestockBatch">Boards per restock delivery.</param>
public sealed record SparePoolSpec(int? InitialStock, double ProvisioningDelayHours, double? RestockEveryDays, int RestockBatch);

/// <summary>When and how a board hands over (the fields of Mortality's HandoverPlan and HandoverPolicy).</summary>
/// <param name="MarginHours">Time kept in reserve beyond what a handover needs (provisioning included).</param>
/// <param name="Temperature">Distillation temperature T.</param>
/// <param name="TeacherQueries">Transfer examples the teacher is asked about (its query budget).</param>
/// <param name="StudentSteps">Student training steps (its budget).</param>
/// <param name="QueryBatch">Teacher queries per round (one journaled batch).</param>
/// <param name="StepsPerRound">Student steps per round.</param>
/// <param name="EvaluateEveryRounds">Rounds between canary checks, checkpoints and the cut-over decision.</param>
/// <param name="HoursPerRound">Board time one round takes.</param>
/// <param name="KnowledgeBudget">Canary accuracy (absolute) a board may lose below its healthy level before it counts as failing
/// (Core's <c>LifecyclePolicy</c>); a student cuts over only within this of its teacher.</param>
/// <param name="ExtraStudentBudget">Share of its budget a student that has not matched its teacher may train on before the handover fails.</param>
/// <param name="StuckThreshold">With a write probe: a board counts as failed at this stuck share of its probe cells.</param>
/// <param name="PreventiveAgeYears">Hand over at this board age whatever the predictor says; null = never.</param>
/// <param name="ColdStartFromLabels">Train a replacement from labels when nothing could be handed on.</param>
/// <param name="PrimeLessons">Record each board's outputs on its handover's transfer set when it starts serving (its prime), and teach its
/// student from them beside live queries.</param>
/// <param name="HardLessons">Teach the student the teacher's argmax (hard labels from the teacher) instead of its soft outputs.</param>
/// <param name="KnowledgeByLevel">Core's <c>LifecyclePolicy.KnowledgeByLevel</c>: judge the canary by its level, not by one more reading.</param>
/// <param name="BaselineAtCommissioning">Core's <c>LifecyclePolicy.BaselineAtCommissioning</c>: the healthy level is read as the board starts serving.</param>
/// <param name="HandoverTries">Students (each a new spare) a living teacher may be handed to before a failed verification ends in a cold start:
/// after a student that did not match it, a teacher that is still alive keeps serving and its next call tries a new spare.</param>
/// <param name="CommissioningMaxSteps">Training from labels (generation 0, cold starts) goes on past <c>training.steps</c>, a chunk of that
/// many steps at a time, while the canary still gains at least the knowledge budget per chunk, up to this many steps in all; null: exactly
/// <c>training.steps</c>.</param>
/// <param name="LineageBudget">Core's <c>LifecyclePolicy.LineageBudget</c>: canary accuracy a board may trail the best healthy level of its
/// lineage before it counts as failing, and the least a student must reach; null: off.</param>
/// <param name="RetryAtOnce">After a student failed verification and its teacher serves on, the next try starts at once (a spare is asked
/// for right away) instead of at the teacher's next check: its budget is already spent.</param>
/// <param name="PrimeShare">Share of each student minibatch drawn from the teacher's prime lessons when there are live lessons too
/// (Mortality's <c>HandoverPlan.PrimeShare</c>); null: the plan's default.</param>
/// <param name="Apprentice">Apprentice mode: as soon as a board serves, a spare is distilled from it (at its prime, while it serves, through the
/// same journaled and verified handover with the same faults) and stands by. When the board's handover is called or it dies, the apprentice
/// takes over at once if its canary accuracy still passes the verification a student passes; otherwise it is the spare on hand for the
/// handover (or the cold start) that follows, so no spare is awaited.</param>
/// <param name="EarlyCheckDays">During a board's first <c>monitor.interval_days</c> of service the host checks it every this many days instead
/// (null: at the monitor's interval): phase-change cells drift fastest right after they are programmed, and a board that falls in its first
/// days otherwise serves below its level until its first regular check.</param>
public sealed record HandoverPolicy(
    double MarginHours, double Temperature, int TeacherQueries, int StudentSteps, int QueryBatch, int StepsPerRound, int EvaluateEveryRounds,
    double HoursPerRound, double KnowledgeBudget, double ExtraStudentBudget, double StuckThreshold, double? PreventiveAgeYears, bool ColdStartFromLabels,
    bool PrimeLessons = false, bool HardLessons = false, bool KnowledgeByLevel = true, bool BaselineAtCommissioning = true,
    int HandoverTries = 1, int? CommissioningMaxSteps = null, double? LineageBudget = null, bool RetryAtOnce = false, double? PrimeShare = null,
    bool Apprentice = false, double? EarlyCheckDays = null);

/// <summary>The network every board carries: task features, these hidden widths, task classes.</summary>
/// <param name="Hidden">Hidden layer widths (empty: a single layer).</param>
/// <param name="LearningRate">Learning rate of the on-chip node-perturbation trainer.</param>
/// <param name="Directions">Perturbation directions per example of the node-perturbation trainer (each costs a read).</param>
public sealed record NetworkSpec(IReadOnlyList<int> Hidden, double LearningRate, int Directions);

/// <summary>A synthetic classification task: Gaussian clusters around random class centres.</summary>
public sealed record SyntheticTaskSpec(int Features, int Classes, double ClusterSpread, int Train, int Canary, int Eval);

/// <summary>On-chip training from labels (generation 0 and cold starts); the batch is also the handover's training batch.</summary>
public sealed record TrainingSpec(int Steps, int Batch);

/// <summary>How often the host checks a serving board, and whether it probes spare cells for stuck ones.</summary>
/// <param name="IntervalDays">Days between health checks.</param>
/// <param name="Probe">Probe spare cells with write pulses (stuck-cell and write-failure signals).</param>
/// <param name="ProbeSide">The probe window is ProbeSide x ProbeSide cells the network does not use.</param>
public sealed record MonitorSpec(double IntervalDays, bool Probe, int ProbeSide);

/// <summary>Simulated time the link and board take per operation.</summary>
public sealed record TimingSpec(double ReadMsPerSample, double PulseMsPerRequest);

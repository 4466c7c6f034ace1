namespace MortalHil.Stress.Scenarios;

// The JSON shape of a scenario file, exactly as written by a user: every property nullable, so that
// a missing field reaches ScenarioLoader (which names it) instead of failing inside the JSON reader.
// Field meanings and defaults: sim/scenarios/README.md.

internal sealed class ScenarioFile
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public List<ulong>? Seeds { get; set; }
    public DurationFile? Duration { get; set; }
    public FleetFile? Fleet { get; set; }
    public DevicesFile? Devices { get; set; }
    public HazardsFile? Hazards { get; set; }
    public FaultsFile? Faults { get; set; }
    public SparesFile? Spares { get; set; }
    public PolicyFile? Policy { get; set; }
    public TaskFile? Task { get; set; }
    public NetworkFile? Network { get; set; }
    public TrainingFile? Training { get; set; }
    public MonitorFile? Monitor { get; set; }
    public TimingFile? Timing { get; set; }
}

internal sealed class DurationFile
{
    public double? Years { get; set; }
    public int? MaxGenerations { get; set; }
}

internal sealed class FleetFile
{
    public int? Size { get; set; }
}

internal sealed class DevicesFile
{
    public List<PresetShareFile>? Presets { get; set; }
    public GeometryFile? Geometry { get; set; }
    public double? AdcFullScaleMicroamps { get; set; }
    public SpreadFile? Spread { get; set; }
}

internal sealed class PresetShareFile
{
    public string? Preset { get; set; }
    public double? Share { get; set; }
}

internal sealed class GeometryFile
{
    public int? Tiles { get; set; }
    public int? Rows { get; set; }
    public int? Columns { get; set; }
}

internal sealed class SpreadFile
{
    public double? LifetimeLogSigma { get; set; }
    public double? WearRateLogSigma { get; set; }
    public double? DtodScale { get; set; }
}

internal sealed class HazardsFile
{
    public WearOutFile? WearOut { get; set; }
    public WeibullFile? WeibullLifetime { get; set; }
    public SuddenDeathFile? SuddenDeath { get; set; }
}

internal sealed class WearOutFile
{
    public double? StuckPerCellPerYear { get; set; }
    public double? StuckPerPulse { get; set; }
    public double? ReadNoiseGrowthPerYear { get; set; }
    public double? DeadStuckFraction { get; set; }
}

internal sealed class WeibullFile
{
    public double? ScaleYears { get; set; }
    public double? Shape { get; set; }
}

internal sealed class SuddenDeathFile
{
    public double? PerYear { get; set; }
}

internal sealed class FaultsFile
{
    public double? TeacherDeathMidHandover { get; set; }
    public double? StudentDeathMidHandover { get; set; }
    public HostCrashesFile? HostCrashes { get; set; }
    public LinkFile? Link { get; set; }
}

internal sealed class HostCrashesFile
{
    public double? PerHandover { get; set; }
    public double? PerYear { get; set; }
    public double? RestartDelayMinutes { get; set; }
}

internal sealed class LinkFile
{
    public double? ErrorRate { get; set; }
    public double? ResponseLostFraction { get; set; }
    public int? MaxRetries { get; set; }
    public double? RetryDelayMs { get; set; }
}

internal sealed class SparesFile
{
    public int? InitialStock { get; set; }
    public double? ProvisioningDelayHours { get; set; }
    public double? RestockEveryDays { get; set; }
    public int? RestockBatch { get; set; }
}

internal sealed class PolicyFile
{
    public double? MarginHours { get; set; }
    public double? Temperature { get; set; }
    public BudgetFile? Budget { get; set; }
    public int? QueryBatch { get; set; }
    public int? StepsPerRound { get; set; }
    public int? EvaluateEveryRounds { get; set; }
    public double? HoursPerRound { get; set; }
    public double? CutOverMargin { get; set; }
    public double? FailureThreshold { get; set; }
    public double? KnowledgeBudget { get; set; }
    public double? ExtraStudentBudget { get; set; }
    public double? StuckThreshold { get; set; }
    public double? PreventiveAgeYears { get; set; }
    public bool? ColdStartFromLabels { get; set; }
    public bool? PrimeLessons { get; set; }
    public string? Lesson { get; set; }
    public bool? KnowledgeByLevel { get; set; }
    public bool? BaselineAtCommissioning { get; set; }
    public int? HandoverTries { get; set; }
    public int? CommissioningMaxSteps { get; set; }
    public double? LineageBudget { get; set; }
    public bool? RetryAtOnce { get; set; }
    public double? PrimeShare { get; set; }
    public bool? Apprentice { get; set; }
    public double? EarlyCheckDays { get; set; }
}

internal sealed class NetworkFile
{
    public List<int>? Hidden { get; set; }
    public double? LearningRate { get; set; }
    public int? Directions { get; set; }
}

internal sealed class BudgetFile
{
    public int? TeacherQueries { get; set; }
    public int? StudentSteps { get; set; }
}

internal sealed class TaskFile
{
    public string? Kind { get; set; }
    public int? Features { get; set; }
    public int? Classes { get; set; }
    public double? ClusterSpread { get; set; }
    public int? Train { get; set; }
    public int? Canary { get; set; }
    public int? Eval { get; set; }
}

internal sealed class TrainingFile
{
    public int? Steps { get; set; }
    public int? Batch { get; set; }
}

internal sealed class MonitorFile
{
    public double? IntervalDays { get; set; }
    public bool? Probe { get; set; }
    public int? ProbeSide { get; set; }
}

internal sealed class TimingFile
{
    public double? ReadMsPerSample { get; set; }
    public double? PulseMsPerRequest { get; set; }
}

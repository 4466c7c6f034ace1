using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using MortalHil.Sim.Presets;
using MortalHil.Stress.Toolkit;
using static MortalHil.Stress.Scenarios.FieldRules;

namespace MortalHil.Stress.Scenarios;

/// <summary>
/// Reads a scenario file (JSON: snake_case, comments and trailing commas allowed, unknown fields refused),
/// fills in defaults and checks every field. Any problem is a <see cref="ScenarioFieldException"/> naming the field.
/// </summary>
public static partial class ScenarioLoader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A key given twice is a mistake (which one was meant?), refused rather than the last one silently winning.
        AllowDuplicateProperties = false,
    };

    /// <summary>Shortest time between health checks (a quarter hour): below it a board's life takes millions of checks and the run never ends.</summary>
    public const double MinMonitorIntervalDays = 0.01;

    /// <summary>Largest fleet one run may simulate.</summary>
    public const int MaxFleetSize = 100_000;

    /// <summary>Loads and validates <paramref name="path"/>; preset file names inside are relative to its folder.</summary>
    public static Scenario Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"scenario file '{path}' does not exist", path);
        string text = MortalHil.Core.Files.BoundedRead.Text(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        try
        {
            return Parse(text, folder);
        }
        catch (ScenarioFieldException e)
        {
            throw e.InFile(path);
        }
    }

    /// <summary>Parses and validates scenario JSON; preset file names are resolved against <paramref name="presetFolder"/>.</summary>
    public static Scenario Parse(string json, string presetFolder)
    {
        ScenarioFile? f;
        try
        {
            f = JsonSerializer.Deserialize<ScenarioFile>(json, Options);
        }
        catch (JsonException e)
        {
            throw FromJson(e);
        }
        if (f is null) throw new ScenarioFieldException("$", "must be a JSON object (got null)");
        return Resolve(f, presetFolder);
    }

    private static Scenario Resolve(ScenarioFile f, string presetFolder)
    {
        string name = Required("name", f.Name);
        if (!SafeName().IsMatch(name)) throw new ScenarioFieldException("name", $"must be 1-64 letters, digits, '.', '_' or '-' (got {ScenarioFieldException.Format(name)})");

        var seeds = Required("seeds", f.Seeds);
        if (seeds.Count == 0) throw new ScenarioFieldException("seeds", "must list at least one seed (got [])");
        if (seeds.Count > 64) throw new ScenarioFieldException("seeds", $"must list at most 64 seeds (got {seeds.Count})");
        for (int i = 0; i < seeds.Count; i++)
            if (seeds.IndexOf(seeds[i]) != i) throw new ScenarioFieldException($"seeds[{i}]", $"repeats seed {seeds[i]}");

        var d = Required("duration", f.Duration);
        double years = Above("duration.years", Required("duration.years", d.Years), 0, 1000);
        int? maxGenerations = d.MaxGenerations is int g ? IntAtLeast("duration.max_generations", g, 1, 1000) : null;

        var fleet = Required("fleet", f.Fleet);
        int size = IntAtLeast("fleet.size", Required("fleet.size", fleet.Size), 1, MaxFleetSize);

        var task = ResolveTask(f.Task);
        var devices = ResolveDevices(Required("devices", f.Devices), f.Hazards, presetFolder);
        var hazards = ResolveHazards(f.Hazards);
        var faults = ResolveFaults(f.Faults);
        var spares = ResolveSpares(f.Spares);
        var policy = ResolvePolicy(f.Policy);

        var t = f.Training ?? new TrainingFile();
        var training = new TrainingSpec(
            IntAtLeast("training.steps", t.Steps ?? 300, 1, 1_000_000),
            IntAtLeast("training.batch", t.Batch ?? 16, 1, 4096));
        int maxBatch = devices.Presets.Min(p => p.Preset.Read.MaxBatch);
        if (maxBatch < training.Batch)
            throw new ScenarioFieldException("training.batch", $"must be <= the boards' read batch limit {maxBatch} (got {training.Batch})");
        if (maxBatch < policy.QueryBatch)
            throw new ScenarioFieldException("policy.query_batch", $"must be <= the boards' read batch limit {maxBatch} (got {policy.QueryBatch})");

        var n = f.Network ?? new NetworkFile();
        var hidden = n.Hidden ?? [];
        if (hidden.Count > 8) throw new ScenarioFieldException("network.hidden", $"must list at most 8 hidden layers (got {hidden.Count})");
        for (int i = 0; i < hidden.Count; i++) IntAtLeast($"network.hidden[{i}]", hidden[i], 1, 4096);
        var network = new NetworkSpec(hidden.ToArray(), Above("network.learning_rate", n.LearningRate ?? 0.3, 0, 100),
            IntAtLeast("network.directions", n.Directions ?? 4, 1, 1024));

        var m = f.Monitor ?? new MonitorFile();
        var monitor = new MonitorSpec(Above("monitor.interval_days", m.IntervalDays ?? 7, MinMonitorIntervalDays, 3650), m.Probe ?? false,
            IntAtLeast("monitor.probe_side", m.ProbeSide ?? 8, 1, 256));

        var tm = f.Timing ?? new TimingFile();
        var timing = new TimingSpec(
            Between("timing.read_ms_per_sample", tm.ReadMsPerSample ?? 1.0, 0, 1e6),
            Between("timing.pulse_ms_per_request", tm.PulseMsPerRequest ?? 2.0, 0, 1e6));

        var scenario = new Scenario
        {
            Name = name,
            Description = f.Description ?? "",
            Seeds = seeds.ToArray(),
            Duration = new ScenarioDuration(years, maxGenerations),
            FleetSize = size,
            Devices = devices,
            Hazards = hazards,
            Faults = faults,
            Spares = spares,
            Policy = policy,
            Task = task,
            Network = network,
            Training = training,
            Monitor = monitor,
            Timing = timing,
        };
        NetworkFit.Check(scenario);
        return scenario;
    }

    private static SyntheticTaskSpec ResolveTask(TaskFile? t)
    {
        t ??= new TaskFile();
        string kind = t.Kind ?? "synthetic";
        if (kind != "synthetic") throw new ScenarioFieldException("task.kind", $"must be \"synthetic\" (got {ScenarioFieldException.Format(kind)})");
        return new SyntheticTaskSpec(
            IntAtLeast("task.features", t.Features ?? 16, 1, 4095),
            IntAtLeast("task.classes", t.Classes ?? 4, 2, 1024),
            Above("task.cluster_spread", t.ClusterSpread ?? 0.5, 0, 10),
            IntAtLeast("task.train", t.Train ?? 1024, 1, 1_000_000),
            IntAtLeast("task.canary", t.Canary ?? 256, 1, 100_000),
            IntAtLeast("task.eval", t.Eval ?? 256, 1, 1_000_000));
    }

    private static DeviceMix ResolveDevices(DevicesFile d, HazardsFile? hazardsFile, string presetFolder)
    {
        var list = Required("devices.presets", d.Presets);
        if (list.Count == 0) throw new ScenarioFieldException("devices.presets", "must name at least one preset (got [])");
        if (list.Count > 64) throw new ScenarioFieldException("devices.presets", $"must name at most 64 presets (got {list.Count})");

        GeometrySpec? geometry = null;
        if (d.Geometry is { } g)
        {
            geometry = new GeometrySpec
            {
                Tiles = IntAtLeast("devices.geometry.tiles", Required("devices.geometry.tiles", g.Tiles), 1, 64),
                Rows = IntAtLeast("devices.geometry.rows", Required("devices.geometry.rows", g.Rows), 2, 4096),
                Columns = IntAtLeast("devices.geometry.columns", Required("devices.geometry.columns", g.Columns), 2, 4096),
            };
        }

        double? adcFullScale = d.AdcFullScaleMicroamps is double fs ? Above("devices.adc_full_scale_microamps", fs, 0, 1e6) : null;
        var hazards = ResolveHazards(hazardsFile);
        var shares = new List<PresetShare>();
        for (int i = 0; i < list.Count; i++)
        {
            string field = $"devices.presets[{i}]";
            var entry = list[i] ?? throw new ScenarioFieldException(field, "must be an object (got null)");
            string source = Required(field + ".preset", entry.Preset);
            double share = Above(field + ".share", entry.Share ?? 1.0, 0, 1e6);
            var preset = FindPreset(field + ".preset", source, presetFolder);
            if (geometry is not null) preset = preset with { Geometry = geometry };
            if (adcFullScale is double amps) preset = preset with { Adc = preset.Adc with { FullScaleMicroamps = amps } };
            preset = ApplyHazards(preset, hazards);
            try
            {
                DevicePresetValidator.Validate(preset);
            }
            catch (InvalidDataException e)
            {
                throw new ScenarioFieldException(field + ".preset", $"gives an invalid preset once the scenario's geometry and hazards are applied: {e.Message}", e);
            }
            shares.Add(new PresetShare(preset, share, source));
        }

        var s = d.Spread ?? new SpreadFile();
        var spread = new FleetSpread(
            Between("devices.spread.lifetime_log_sigma", s.LifetimeLogSigma ?? 0, 0, 3),
            Between("devices.spread.wear_rate_log_sigma", s.WearRateLogSigma ?? 0, 0, 3),
            Between("devices.spread.dtod_scale", s.DtodScale ?? 1, 0, 3));
        double total = shares.Sum(p => p.Share);
        return new DeviceMix(shares.Select(p => p with { Share = p.Share / total }).ToArray(), geometry, adcFullScale, spread);
    }

    private static DevicePreset FindPreset(string field, string source, string presetFolder)
    {
        if (BuiltInPresets.Find(source) is { } builtIn) return builtIn;
        string path = Path.IsPathRooted(source) ? source : Path.Combine(presetFolder, source);
        if (!File.Exists(path))
            throw new ScenarioFieldException(field, $"names neither a built-in preset ({string.Join(", ", BuiltInPresets.Names)}) nor a preset file (got {ScenarioFieldException.Format(source)})");
        try
        {
            return DevicePresetJson.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new ScenarioFieldException(field, $"names a bad preset file: {e.Message}", e);
        }
    }

    private static DevicePreset ApplyHazards(DevicePreset p, Hazards h)
    {
        bool any = h.StuckPerCellPerYear is not null || h.StuckPerPulse is not null || h.ReadNoiseGrowthPerYear is not null
                   || h.DeadStuckFraction is not null || h.WeibullScaleYears is not null || h.WeibullShape is not null;
        if (!any) return p;
        var a = p.Ageing;
        return p with
        {
            Ageing = a with
            {
                Enabled = true,
                StuckPerCellPerYear = h.StuckPerCellPerYear ?? a.StuckPerCellPerYear,
                StuckPerPulse = h.StuckPerPulse ?? a.StuckPerPulse,
                ReadNoiseGrowthPerYear = h.ReadNoiseGrowthPerYear ?? a.ReadNoiseGrowthPerYear,
                DeadStuckFraction = h.DeadStuckFraction ?? a.DeadStuckFraction,
                LifetimeYears = h.WeibullScaleYears ?? a.LifetimeYears,
                LifetimeShape = h.WeibullShape ?? a.LifetimeShape,
            },
        };
    }

    private static Hazards ResolveHazards(HazardsFile? h)
    {
        h ??= new HazardsFile();
        var w = h.WearOut ?? new WearOutFile();
        var b = h.WeibullLifetime ?? new WeibullFile();
        return new Hazards(
            w.StuckPerCellPerYear is double s ? Between("hazards.wear_out.stuck_per_cell_per_year", s, 0, 1000) : null,
            w.StuckPerPulse is double pp ? Probability("hazards.wear_out.stuck_per_pulse", pp) : null,
            w.ReadNoiseGrowthPerYear is double rn ? Between("hazards.wear_out.read_noise_growth_per_year", rn, 0, 100) : null,
            w.DeadStuckFraction is double df ? Above("hazards.wear_out.dead_stuck_fraction", df, 0, 1) : null,
            b.ScaleYears is double sc ? Between("hazards.weibull_lifetime.scale_years", sc, 0, 1e6) : null,
            b.Shape is double sh ? Between("hazards.weibull_lifetime.shape", sh, 0.05, 20) : null,
            Between("hazards.sudden_death.per_year", h.SuddenDeath?.PerYear ?? 0, 0, 1000));
    }

    private static InjectedFaults ResolveFaults(FaultsFile? f)
    {
        f ??= new FaultsFile();
        var c = f.HostCrashes ?? new HostCrashesFile();
        var l = f.Link ?? new LinkFile();
        return new InjectedFaults(
            Probability("faults.teacher_death_mid_handover", f.TeacherDeathMidHandover ?? 0),
            Probability("faults.student_death_mid_handover", f.StudentDeathMidHandover ?? 0),
            Between("faults.host_crashes.per_handover", c.PerHandover ?? 0, 0, 20),
            Between("faults.host_crashes.per_year", c.PerYear ?? 0, 0, 10_000),
            Between("faults.host_crashes.restart_delay_minutes", c.RestartDelayMinutes ?? 5, 0, 1e6),
            new LinkFaults(
                Between("faults.link.error_rate", l.ErrorRate ?? 0, 0, 0.5),
                Probability("faults.link.response_lost_fraction", l.ResponseLostFraction ?? 0.5),
                IntAtLeast("faults.link.max_retries", l.MaxRetries ?? 3, 0, 50),
                Between("faults.link.retry_delay_ms", l.RetryDelayMs ?? 20, 0, 1e7)));
    }

    private static SparePoolSpec ResolveSpares(SparesFile? s)
    {
        s ??= new SparesFile();
        int? stock = s.InitialStock is int n ? IntAtLeast("spares.initial_stock", n, 0, 10_000_000) : null;
        double delay = Between("spares.provisioning_delay_hours", s.ProvisioningDelayHours ?? 24, 0, 1e6);
        double? every = s.RestockEveryDays is double e ? Above("spares.restock_every_days", e, 0, 1e6) : null;
        int batch = IntAtLeast("spares.restock_batch", s.RestockBatch ?? 0, 0, 1_000_000);
        if (batch > 0 && every is null) throw new ScenarioFieldException("spares.restock_every_days", "is required when spares.restock_batch > 0");
        if (stock is null && (every is not null || batch > 0))
            throw new ScenarioFieldException("spares.initial_stock", "must be set when the pool is restocked (an unlimited pool needs no restock)");
        return new SparePoolSpec(stock, delay, every, batch);
    }

    /// <summary>The lifecycle's one set of defaults.</summary>
    private static readonly MortalHil.Core.Mortality.Lifecycle.LifecyclePolicy Defaults = new();

    private static HandoverPolicy ResolvePolicy(PolicyFile? p)
    {
        p ??= new PolicyFile();
        if (p.FailureThreshold is not null)
            throw new ScenarioFieldException("policy.failure_threshold", "was replaced by policy.knowledge_budget: canary accuracy (absolute, 0.01 = one point) a board may lose below its healthy level");
        if (p.CutOverMargin is not null)
            throw new ScenarioFieldException("policy.cut_over_margin", "was replaced by policy.knowledge_budget: a student cuts over once within it of its teacher on the canary set");
        var b = p.Budget ?? new BudgetFile();
        return new HandoverPolicy(
            Between("policy.margin_hours", p.MarginHours ?? 168, 0, 1e7),
            Between("policy.temperature", p.Temperature ?? 4, 0.1, 100),
            IntAtLeast("policy.budget.teacher_queries", b.TeacherQueries ?? 256, 1, 10_000_000),
            IntAtLeast("policy.budget.student_steps", b.StudentSteps ?? 200, 1, 10_000_000),
            IntAtLeast("policy.query_batch", p.QueryBatch ?? 32, 1, 65_536),
            IntAtLeast("policy.steps_per_round", p.StepsPerRound ?? 4, 1, 100_000),
            IntAtLeast("policy.evaluate_every_rounds", p.EvaluateEveryRounds ?? 10, 1, 100_000),
            Between("policy.hours_per_round", p.HoursPerRound ?? 0.5, 0, 1e4),
            Above("policy.knowledge_budget", p.KnowledgeBudget ?? Defaults.KnowledgeBudget, 0, 0.99),
            Between("policy.extra_student_budget", p.ExtraStudentBudget ?? Defaults.ExtraStudentBudget, 0, 100),
            Above("policy.stuck_threshold", p.StuckThreshold ?? 0.2, 0, 1),
            p.PreventiveAgeYears is double age ? Above("policy.preventive_age_years", age, 0, 1000) : null,
            p.ColdStartFromLabels ?? true,
            p.PrimeLessons ?? false,
            (p.Lesson ?? "soft") switch
            {
                "soft" => false,
                "hard" => true,
                var other => throw new ScenarioFieldException("policy.lesson", $"must be \"soft\" or \"hard\" (got {ScenarioFieldException.Format(other)})"),
            },
            p.KnowledgeByLevel ?? Defaults.KnowledgeByLevel,
            p.BaselineAtCommissioning ?? Defaults.BaselineAtCommissioning,
            IntAtLeast("policy.handover_tries", p.HandoverTries ?? 1, 1, 100),
            p.CommissioningMaxSteps is int cms ? IntAtLeast("policy.commissioning_max_steps", cms, 1, 10_000_000) : null,
            p.LineageBudget is double lb ? Above("policy.lineage_budget", lb, 0, 0.99) : null,
            p.RetryAtOnce ?? false,
            p.PrimeShare is double ps ? Between("policy.prime_share", ps, 0, 1) : null,
            p.Apprentice ?? false,
            p.EarlyCheckDays is double ecd ? Above("policy.early_check_days", ecd, 0, 1e5) : null);
    }

    private static ScenarioFieldException FromJson(JsonException e)
    {
        string field = e.Path is { Length: > 1 } p ? p.TrimStart('$').TrimStart('.') : "$";
        if (field.Length == 0) field = "$";
        string msg = e.Message.Split(" Path:")[0];
        if (msg.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            // System.Text.Json reports the object's path and the unknown name in the message.
            var m = UnknownProperty().Match(msg);
            string unknown = m.Success ? m.Groups[1].Value : "?";
            // System.Text.Json's path already ends with the unknown name (it may not, in older versions).
            string path = field == "$" ? unknown : field == unknown || field.EndsWith("." + unknown, StringComparison.Ordinal) ? field : $"{field}.{unknown}";
            return new ScenarioFieldException(path, "is not a known field (see sim/scenarios/README.md)", e);
        }
        if (msg.Contains("could not be converted", StringComparison.Ordinal))
            return new ScenarioFieldException(field, $"has the wrong type: {Expected(msg)}", e);
        return new ScenarioFieldException(field, $"is malformed JSON: {msg}", e);
    }

    private static string Expected(string msg)
    {
        if (msg.Contains("System.Int32") || msg.Contains("System.UInt64")) return "expected a whole number";
        if (msg.Contains("System.Double")) return "expected a number";
        if (msg.Contains("System.Boolean")) return "expected true or false";
        if (msg.Contains("System.String")) return "expected a string";
        if (msg.Contains("List`1")) return "expected an array";
        return "expected an object";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SafeName();

    [GeneratedRegex("property '([^']*)'")]
    private static partial Regex UnknownProperty();
}

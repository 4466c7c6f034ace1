using System.Globalization;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Core.Mortality.Prediction;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>
/// Watches one serving board under a <see cref="LifecyclePolicy"/>: a <see cref="HealthMonitor"/> (canary accuracy,
/// cell census, write probe on spare cells when there is room), and once the healthy level is known
/// (<see cref="LifecyclePolicy.BaselineChecks"/>), the remaining-life predictor and the handover policy.
/// </summary>
public sealed class LifecycleWatch
{
    private readonly HealthMonitor _monitor;
    private readonly LifecyclePolicy _policy;
    private readonly HandoverPolicy _handoverPolicy;
    private readonly bool _probe;
    private readonly List<double> _early = [];
    private readonly List<double> _afterBaseline = [];
    private readonly MappedNetwork _network;
    private readonly LabelledSet _canary;
    private readonly double? _lineageBest;
    private HandoverWatch? _watch;
    private int _checks;

    /// <param name="network">The serving network (its board is watched).</param>
    /// <param name="canary">Labelled canary set (held out from training and test).</param>
    /// <param name="policy">The lifecycle policy.</param>
    /// <param name="handoverDuration">Board time a handover needs (provisioning a spare included).</param>
    /// <param name="probeWindow">Spare cells for the write probe, or null for none.</param>
    /// <param name="ids">Pulse ids of the write probe (null: the network's own source).</param>
    /// <param name="healthyCanary">The board's healthy canary accuracy when already known; null: the mean of its first checks.</param>
    /// <param name="lineageBest">The best healthy canary level of the boards that served this position before (for
    /// <see cref="LifecyclePolicy.LineageBudget"/>); null when unknown or none.</param>
    public LifecycleWatch(MappedNetwork network, LabelledSet canary, LifecyclePolicy policy, TimeSpan handoverDuration, CrossbarWindow? probeWindow,
        PulseIdSource? ids = null, double? healthyCanary = null, double? lineageBest = null)
    {
        _lineageBest = lineageBest;
        policy.Validate();
        var census = network.AllLayers.SelectMany(l => l.Blocks).Select(b => b.Window).ToArray();
        _monitor = new HealthMonitor(network.Device, network, canary, new HealthMonitorOptions { CensusWindows = census, ProbeWindow = probeWindow },
            ids ?? network.Ids);
        _policy = policy;
        _network = network;
        _canary = canary;
        _handoverPolicy = policy.HandoverPolicy(handoverDuration);
        _probe = probeWindow is not null;
        if (healthyCanary is { } h) Arm(h);
    }

    /// <summary>A <paramref name="side"/> x <paramref name="side"/> window of cells <paramref name="network"/> does not use; null if none.</summary>
    public static CrossbarWindow? FreeProbeWindow(MappedNetwork network, int side = 32)
    {
        var used = network.AllLayers.SelectMany(l => l.Blocks).Select(b => b.Window);
        return new TileAllocator(network.Description, used).TryAllocate(side, side, out var w) ? w : null;
    }

    public HealthMonitor Monitor => _monitor;
    public HealthSeries Series => _monitor.Series;

    /// <summary>The healthy canary accuracy once known.</summary>
    public double? HealthyCanary { get; private set; }

    /// <summary>
    /// The canary level below which the board counts as failing (healthy minus the knowledge budget, or the lineage's best minus the
    /// lineage budget when higher), once known.
    /// </summary>
    public double? FailureLevel => HealthyCanary is { } h ? _policy.FailureLevel(h, LineageBest) : null;

    /// <summary>The best healthy canary level of this position's lineage, this board's included once known (null: unknown).</summary>
    public double? LineageBest => _lineageBest is { } l ? Math.Max(l, HealthyCanary ?? double.NegativeInfinity) : HealthyCanary;

    /// <summary>True while the policy's check at commissioning is still to be taken (no check yet, healthy level not given).</summary>
    public bool CommissioningCheckDue => _policy.CheckAtCommissioning && _checks == 0 && HealthyCanary is null;

    /// <summary>The latest decision (null before the baseline is known).</summary>
    public HandoverDecision? LastDecision { get; private set; }

    /// <summary>One health check and, once the baseline is known, the decision. Throws <see cref="DeviceFailedException"/> if the board has died.</summary>
    public LifecycleCheck Check()
    {
        _checks++;
        if (_watch is null)
        {
            bool commissioning = _checks == 1 && _policy.CheckAtCommissioning && _policy.BaselineAtCommissioning;
            var sample = _monitor.Check();
            _early.Add(sample.CanaryAccuracy ?? double.NaN);
            if (commissioning)
            {
                // The rest of the baseline's readings, back to back: the board's level as it starts serving, averaged over read noise.
                while (_early.Count < _policy.BaselineChecks) _early.Add(ClassifierEvaluation.Accuracy(_network, _canary));
            }
            if (_early.Count >= _policy.BaselineChecks) Arm(_early.Average());
            return new LifecycleCheck(sample, [], null);
        }
        var r = _watch.Check();
        var decision = r.Decision;
        if (r.Sample.CanaryAccuracy is { } canary) _afterBaseline.Add(canary);
        if (!decision.CallHandover && KnowledgeSpent() is { } spent)
            decision = decision with { CallHandover = true, Reason = spent };
        if (!decision.CallHandover && _policy.PreventiveAgeReached(r.Sample.BoardTime))
            decision = decision with { CallHandover = true, Reason = PreventiveAgeReason(r.Sample.BoardTime) };
        LastDecision = decision;
        return new LifecycleCheck(r.Sample, r.Estimates, decision);
    }

    /// <summary>
    /// Why the knowledge budget is spent, or null while it is not: the mean of the latest readings after the baseline (up to
    /// <see cref="LifecyclePolicy.BaselineChecks"/> of them) is below the failure level. No trend is needed to see a board that has
    /// already lost what the budget allows (a phase-change board loses several points in its first two weeks).
    /// </summary>
    private string? KnowledgeSpent()
    {
        if (_afterBaseline.Count == 0 || FailureLevel is not { } level) return null;
        int k = Math.Min(_policy.BaselineChecks, _afterBaseline.Count);
        double mean = 0;
        for (int i = _afterBaseline.Count - k; i < _afterBaseline.Count; i++) mean += _afterBaseline[i] / k;
        if (!(mean < level)) return null;
        return level > HealthyCanary - _policy.KnowledgeBudget
            ? string.Create(CultureInfo.InvariantCulture, $"knowledge budget spent: canary mean of the last {k} checks {mean:F4} < lineage best {LineageBest:F4} - {_policy.LineageBudget:F4}")
            : string.Create(CultureInfo.InvariantCulture, $"knowledge budget spent: canary mean of the last {k} checks {mean:F4} < healthy {HealthyCanary:F4} - {_policy.KnowledgeBudget:F4}");
    }

    /// <summary>The reason of a handover called because the board reached the policy's preventive age (it starts "preventive age").</summary>
    private string PreventiveAgeReason(TimeSpan age) => string.Create(CultureInfo.InvariantCulture,
        $"preventive age: board is {age.TotalDays / 365.25:F2} years old (limit {_policy.PreventiveAge!.Value.TotalDays / 365.25:F2})");

    private void Arm(double healthy)
    {
        HealthyCanary = healthy;
        _watch = new HandoverWatch(_monitor, new RemainingLifePredictor(), _handoverPolicy, _policy.Indicators(healthy, _probe, LineageBest));
    }
}

/// <summary>What one lifecycle check measured and, once the baseline is known, decided.</summary>
public sealed record LifecycleCheck(HealthSample Sample, IReadOnlyList<RemainingLifeEstimate> Estimates, HandoverDecision? Decision)
{
    public bool CallHandover => Decision?.CallHandover == true;
    public string Reason => Decision?.Reason ?? "too few health checks yet";
}

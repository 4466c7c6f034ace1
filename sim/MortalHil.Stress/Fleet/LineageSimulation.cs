using MortalHil.Core.Devices;
using MortalHil.Core.Learning;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Stress.Faults;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Fleet;

/// <summary>
/// One service position of the fleet, simulated from its first board to the end of the scenario: boards
/// age on the fleet clock (fast-forwarded between events with AdvanceTime), a host monitors the serving
/// board and asks for a spare when the predictor calls, the handover runs step by step with faults
/// injected between and inside steps, and a board that dies with nothing handed on is replaced by a
/// cold start. A pure function of (scenario, run seed, lineage, spare deliveries): no shared state.
/// </summary>
internal sealed partial class LineageSimulation
{
    private const double Year = BoardFactory.SecondsPerYear;
    private const int MaxBoardsPerLineage = 100_000;

    private readonly Scenario _scenario;
    private readonly int _lineage;
    private readonly ulong _seed;
    private readonly IStressToolkit _toolkit;
    private readonly SyntheticTask _task;
    private readonly Func<int, double, double> _delivery;
    private readonly string _journalFolder;
    private readonly BoardFactory _factory;
    private readonly HostCrashSwitch _host = new();
    private readonly LineageResult _result;
    private readonly List<ProvisionedBoard> _boards = [];
    private readonly double _end;
    private readonly double _interval;
    private SplitMixRandom _faultRng;
    private SplitMixRandom _crashRng;
    private double _t;
    private double _nextHostCrash;
    private int _nextBoardIndex;
    private int _spareRequests;
    private int _nextGeneration;
    private bool _stopped;
    /// <summary>The best healthy canary level any board of this lineage reached (the host's own measurements); null before the first.</summary>
    private double? _lineageBest;

    /// <param name="scenario">The scenario.</param>
    /// <param name="runSeed">The run's seed (one of the scenario's seeds).</param>
    /// <param name="lineage">Index of the service position.</param>
    /// <param name="toolkit">Learning and mortality behind the port.</param>
    /// <param name="task">The task every board serves.</param>
    /// <param name="delivery">(request index, request time) -> time the spare is ready; +inf if never.</param>
    /// <param name="journalFolder">A folder this lineage alone writes its journals into (emptied first).</param>
    public LineageSimulation(Scenario scenario, ulong runSeed, int lineage, IStressToolkit toolkit, SyntheticTask task,
        Func<int, double, double> delivery, string journalFolder)
    {
        _scenario = scenario;
        _lineage = lineage;
        _seed = SeedTree.Derive(runSeed, "lineage", (ulong)lineage);
        _toolkit = toolkit;
        _task = task;
        _delivery = delivery;
        _journalFolder = journalFolder;
        _factory = new BoardFactory(scenario, runSeed, lineage);
        _result = new LineageResult { Lineage = lineage };
        _end = scenario.Duration.Years * Year;
        _interval = scenario.Monitor.IntervalDays * 86400;
        _faultRng = new SplitMixRandom(SeedTree.Derive(_seed, "faults"));
        _crashRng = new SplitMixRandom(SeedTree.Derive(_seed, "host-crashes"));
        _nextHostCrash = _crashRng.NextExponential(scenario.Faults.HostCrashesPerYear) * Year;
    }

    /// <summary>Runs the lineage to the end of the scenario (or its generation cap).</summary>
    public LineageResult Run()
    {
        if (Directory.Exists(_journalFolder)) Directory.Delete(_journalFolder, recursive: true);
        Directory.CreateDirectory(_journalFolder);
        try
        {
            SetService(0, double.NaN);
            var serving = Commission(NewBoard(), BoardOrigin.TrainedFromLabels);
            while (_t < _end && !_stopped)
            {
                if (serving is null)
                {
                    if (!_scenario.Policy.ColdStartFromLabels) break;
                    serving = ColdStart();
                    if (serving is null) break;
                    continue;
                }
                if (serving.RetryDue)
                {
                    // Its last student failed verification: the teacher's budget is spent, so the next student is asked for at once.
                    serving.RetryDue = false;
                    serving = HandOver(serving, "retry after a failed verification: " + serving.LastCallReason);
                    continue;
                }
                if (_scenario.Policy.Apprentice && !serving.ApprenticeTried)
                {
                    serving.ApprenticeTried = true;
                    serving = TrainApprentice(serving);
                    continue;
                }
                var (end, reason) = Serve(serving, until: null);
                if (end == ServeEnd.Died)
                {
                    var promoted = Promote(serving, $"apprentice took over: its teacher died ({serving.Board.DeathCause ?? "other"})", atDeath: true);
                    if (promoted is null) _result.LostBeforeHandover++;
                    serving = promoted;
                }
                else if (end == ServeEnd.HandoverCalled)
                {
                    serving = Promote(serving, "apprentice took over: " + reason, atDeath: false) ?? HandOver(serving, reason!);
                }
            }
            if (serving?.Apprentice is not null) _result.ApprenticesUnused++; // the lineage ended with it standing by
            if (_onHand is not null) _result.ApprenticesUnused++;
            Finish();
            return _result;
        }
        finally
        {
            foreach (var b in _boards) b.Device.Dispose();
        }
    }

    // ------------------------------------------------------------------ serving

    private enum ServeEnd { HandoverCalled, Died, TimeUp, Reached }

    /// <summary>
    /// Monitors a serving board tick by tick until the predictor calls a handover (<paramref name="until"/> null),
    /// or until fleet time <paramref name="until"/> (waiting for a spare); stops early when the board dies or time runs out.
    /// </summary>
    private (ServeEnd End, string? Reason) Serve(ServingBoard s, double? until)
    {
        while (true)
        {
            double interval = _scenario.Policy.EarlyCheckDays is double early && _t - s.Since < _interval ? Math.Min(_interval, early * 86400) : _interval;
            double next = Math.Min(_t + interval, _end);
            if (until is double u) next = Math.Min(next, u);
            AdvanceServing(s, next);
            if (s.Board.IsDead) { RecordServingDeath(s); return (ServeEnd.Died, null); }
            if (_t >= _end) return (ServeEnd.TimeUp, null);
            if (until is double u2 && _t >= u2) return (ServeEnd.Reached, null);
            bool measured = Tick(s);
            if (s.Board.IsDead) { RecordServingDeath(s); return (ServeEnd.Died, null); }
            if (until is not null || !measured) continue;
            // Core's lifecycle watch decides (the predictor, the knowledge budget, the preventive age): one definition of failing.
            var call = s.Monitor.Assess();
            if (call.CallHandover)
                return (ServeEnd.HandoverCalled, call.Reason.StartsWith("preventive age", StringComparison.Ordinal) || call.Reason.StartsWith("knowledge budget spent", StringComparison.Ordinal)
                    ? call.Reason : "predictor: " + call.Reason);
        }
    }

    /// <summary>Moves fleet time to <paramref name="target"/> while <paramref name="s"/> serves, living through host crashes on the way.</summary>
    private void AdvanceServing(ServingBoard s, double target)
    {
        while (_nextHostCrash <= target && _nextHostCrash < _end)
        {
            _t = Math.Max(_t, _nextHostCrash);
            s.Board.SyncTo(_t);
            _result.HostCrashesWhileServing++;
            SetService(_t, double.NaN);
            _t += _scenario.Faults.RestartDelayMinutes * 60;
            s.Board.SyncTo(_t);
            // The restarted host re-attaches the model from what it kept on disk (the monitor's history is kept with it).
            s.Model = _toolkit.RestoreModel(s.Board.Device, s.Snapshot);
            if (!s.Board.IsDead) SetService(_t, s.LastAccuracy);
            _nextHostCrash = _t + _crashRng.NextExponential(_scenario.Faults.HostCrashesPerYear) * Year;
        }
        _t = Math.Max(_t, target);
        s.Board.SyncTo(_t);
    }

    /// <summary>
    /// One monitor tick: the monitor's health check (canary, census, probe) for the predictor, and the eval-set
    /// accuracy for the report. False when nothing was measured (board dead, or its link lost for this tick).
    /// </summary>
    private bool Tick(ServingBoard s)
    {
        try
        {
            s.Monitor.Check();
            NoteLineageBest(s.Monitor);
            double accuracy = Accuracy(s.Model.Classifier, _task.Eval);
            s.LastAccuracy = accuracy;
            SetService(_t, accuracy);
            _result.MonitorTicks++;
            return true;
        }
        catch (DeviceFailedException)
        {
            return false; // dead: the caller sees IsDead
        }
        catch (IOException)
        {
            _result.LinkLosses++; // the tick's measurements are lost; the board keeps serving
            return false;
        }
    }

    private void RecordServingDeath(ServingBoard s)
    {
        SetService(_t, double.NaN);
        string cause = s.Board.DeathCause ?? "other";
        Count(cause);
        int i = _result.Generations.FindIndex(g => g.Serial == s.Board.Serial);
        if (i >= 0) _result.Generations[i] = _result.Generations[i] with { DiedSeconds = _t, DeathCause = cause };
    }

    // ------------------------------------------------------------------ new boards

    private ProvisionedBoard NewBoard()
    {
        if (_nextBoardIndex >= MaxBoardsPerLineage) throw new InvalidOperationException($"lineage {_lineage} used more than {MaxBoardsPerLineage} boards");
        var b = _factory.Make(_nextBoardIndex++, _t, _host);
        _boards.Add(b);
        return b;
    }

    /// <summary>Asks the pool for a spare now; returns the fleet time it will be ready (+inf if never).</summary>
    private double RequestSpare()
    {
        int k = _spareRequests++;
        double d = _delivery(k, _t);
        _result.SpareRequests.Add((k, _t, d));
        return d;
    }

    /// <summary>Waits (serving nothing) for a spare, then trains it from labels; a spare already on hand is used at once.</summary>
    private ServingBoard? ColdStart()
    {
        if (TakeOnHand() is { } hand) return Commission(hand, BoardOrigin.ColdStart);
        double d = RequestSpare();
        WaitUnserved(d);
        if (d >= _end) return null;
        return Commission(NewBoard(), BoardOrigin.ColdStart);
    }

    /// <summary>Trains a board from labels and puts it into service; null if the board died on the way.</summary>
    private ServingBoard? Commission(ProvisionedBoard board, BoardOrigin origin)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            var cost = new OperationCost(board);
            try
            {
                var model = _toolkit.TrainFromLabels(board.Device, SeedOf("train", board.Index, attempt));
                Charge(cost);
                board.SyncTo(_t);
                board.CheckPulseLedger();
                return StartServing(board, model, origin);
            }
            catch (DeviceFailedException)
            {
                Charge(cost);
                Count(board.DeathCause ?? "other");
                return null;
            }
            catch (IOException)
            {
                Charge(cost);
                _result.LinkLosses++; // the link dropped mid-training: the host starts the training over
            }
        }
        return null;
    }

    private ServingBoard? StartServing(ProvisionedBoard board, IServingModel model, BoardOrigin origin)
    {
        double accuracy = double.NaN;
        for (int attempt = 0; attempt < 3 && double.IsNaN(accuracy); attempt++)
        {
            try
            {
                accuracy = Accuracy(model.Classifier, _task.Eval);
            }
            catch (DeviceFailedException)
            {
                Count(board.DeathCause ?? "other");
                return null;
            }
            catch (IOException)
            {
                _result.LinkLosses++; // measure again
            }
        }
        if (double.IsNaN(accuracy)) accuracy = 0; // the link would not carry the measurement: counted as serving nothing useful
        var monitor = _toolkit.CreateMonitor(model, HandoverNeedsSeconds, _scenario.Policy.MarginHours * 3600, _lineageBest);
        if (monitor.CommissioningCheckDue && !CommissioningCheck(board, monitor)) return null;
        NoteLineageBest(monitor);
        int generation = _nextGeneration++;
        string? prime = _scenario.Policy.PrimeLessons ? RecordPrime(board, model, generation) : null;
        _result.Generations.Add(new GenerationRecord(generation, board.Serial, board.PresetName, origin, _t, accuracy, null, null));
        SetService(_t, accuracy);
        if (_scenario.Duration.MaxGenerations is int cap && generation >= cap - 1) _stopped = true;
        return new ServingBoard(board, model, monitor, generation) { LastAccuracy = accuracy, PrimeLessons = prime, Since = _t };
    }

    /// <summary>The policy's first health check, as the board starts serving; false when the board died on the way.</summary>
    private bool CommissioningCheck(ProvisionedBoard board, IBoardMonitor monitor)
    {
        try
        {
            monitor.Check();
            return true;
        }
        catch (DeviceFailedException)
        {
            Count(board.DeathCause ?? "other");
            return false;
        }
        catch (IOException)
        {
            _result.LinkLosses++; // the link dropped: the baseline starts at the next tick instead
            return true;
        }
    }

    /// <summary>
    /// The lessons of a board's prime, recorded as it starts serving (on the transfer set its handover will use); null when the board or its
    /// link failed on the way (the handover then learns from live queries only).
    /// </summary>
    private string? RecordPrime(ProvisionedBoard board, IServingModel model, int generation)
    {
        var cost = new OperationCost(board);
        try { return _toolkit.RecordPrimeLessons(model, SeedOf("handover", generation), Path.Combine(_journalFolder, $"prime-g{generation}.db")); }
        catch (IOException) { _result.PrimeLessonsLost++; return null; }
        finally
        {
            Charge(cost);
            board.SyncTo(_t);
        }
    }

    /// <summary>Time the host must leave for a handover: provisioning a spare, then the handover's board time.</summary>
    private double HandoverNeedsSeconds => _scenario.Spares.ProvisioningDelayHours * 3600 + _toolkit.ExpectedHandoverSeconds;

    /// <summary>A seed for the toolkit (an int, as Learning and Mortality take), from this lineage's seed.</summary>
    private int SeedOf(string purpose, int index, int index2 = 0)
        => (int)(SeedTree.Derive(_seed, purpose, (ulong)index, (ulong)index2) & 0x7FFF_FFFF);

    // ------------------------------------------------------------------ bookkeeping

    /// <summary>Simulated time the operations since <paramref name="cost"/> was taken cost, added to the fleet clock.</summary>
    private void Charge(OperationCost cost) => _t += cost.SecondsSince(_scenario.Timing, _scenario.Faults.Link.RetryDelayMs);

    private void SetService(double t, double accuracy)
    {
        var s = _result.Service;
        if (s.Count > 0)
        {
            var last = s[^1];
            bool same = double.IsNaN(last.Accuracy) ? double.IsNaN(accuracy) : last.Accuracy == accuracy;
            if (same) return;
            if (last.Seconds == t) { s[^1] = (t, accuracy); return; }
        }
        s.Add((t, accuracy));
    }

    private void NoteLineageBest(IBoardMonitor monitor)
    {
        if (monitor.HealthyCanary is double h) _lineageBest = Math.Max(_lineageBest ?? double.NegativeInfinity, h);
    }

    private void Count(string cause) => _result.DeathsByCause[cause] = _result.DeathsByCause.GetValueOrDefault(cause) + 1;

    private void Finish()
    {
        _result.SpanSeconds = _stopped ? Math.Min(_t, _end) : _end;
        foreach (var b in _boards)
        {
            b.CheckPulseLedger();
            _result.LinkErrors += b.Link.LinkErrors;
            _result.LinkRetries += b.Driver.Retries;
            _result.DuplicatePulseRequests += b.Link.DuplicatePulseRequests;
            _result.PulsesAppliedTwice += b.PulsesAppliedTwice;
        }
    }

    /// <summary>Fraction of <paramref name="set"/> the model classifies correctly (Mortality's evaluation).</summary>
    internal static double Accuracy(IClassifier model, LabelledSet set) => ClassifierEvaluation.Accuracy(model, set);

    /// <summary>The board currently serving, with the host's view of it.</summary>
    private sealed class ServingBoard(ProvisionedBoard board, IServingModel model, IBoardMonitor monitor, int generation)
    {
        public ProvisionedBoard Board => board;
        public IServingModel Model { get; set; } = model;
        /// <summary>What the host keeps on disk to re-attach the model after a restart.</summary>
        public byte[] Snapshot { get; } = model.Snapshot();
        public IBoardMonitor Monitor => monitor;
        public int Generation => generation;
        /// <summary>Fleet time it started serving.</summary>
        public double Since { get; init; }
        /// <summary>Handovers from this board that ended with a student that did not match it.</summary>
        public int FailedVerifications { get; set; }
        public double LastAccuracy { get; set; }
        /// <summary>Apprentice mode: the student distilled from this board that stands by, and whether one was tried.</summary>
        public (ProvisionedBoard Board, IServingModel Model)? Apprentice { get; set; }
        public bool ApprenticeTried { get; set; }
        /// <summary>With <c>policy.retry_at_once</c>: a student of this board failed verification and the next try is due now.</summary>
        public bool RetryDue { get; set; }
        /// <summary>Why its latest handover was called.</summary>
        public string LastCallReason { get; set; } = "";
        /// <summary>The archive of the lessons of its prime, or null.</summary>
        public string? PrimeLessons { get; init; }
    }

    /// <summary>Counters of the links in play at one moment, to charge the simulated time of what happened since.</summary>
    private readonly struct OperationCost
    {
        private readonly ProvisionedBoard?[] _boards;
        private readonly long _reads, _pulses, _retries;

        public OperationCost(params ProvisionedBoard?[] boards)
        {
            _boards = boards;
            foreach (var b in boards)
            {
                if (b is null) continue;
                _reads += b.Link.SamplesRead;
                _pulses += b.Link.PulseRequests;
                _retries += b.Driver.Retries;
            }
        }

        public double SecondsSince(TimingSpec timing, double retryDelayMs)
        {
            long reads = 0, pulses = 0, retries = 0;
            foreach (var b in _boards)
            {
                if (b is null) continue;
                reads += b.Link.SamplesRead;
                pulses += b.Link.PulseRequests;
                retries += b.Driver.Retries;
            }
            return ((reads - _reads) * timing.ReadMsPerSample + (pulses - _pulses) * timing.PulseMsPerRequest + (retries - _retries) * retryDelayMs) / 1000;
        }
    }
}

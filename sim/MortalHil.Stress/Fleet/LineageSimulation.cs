using MortalHil.Core.Devices;
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
                var (end, reason) = Serve(serving, until: null);
                if (end == ServeEnd.Died)
                {
                    _result.LostBeforeHandover++;
                    serving = null;
                }
                else if (end == ServeEnd.HandoverCalled)
                {
                    serving = HandOver(serving, reason!);
                }
            }
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
        var policy = _scenario.Policy;
        double handoverSeconds = _scenario.Spares.ProvisioningDelayHours * 3600 + EstimatedHandoverSeconds();
        while (true)
        {
            double next = Math.Min(_t + _interval, _end);
            if (until is double u) next = Math.Min(next, u);
            AdvanceServing(s, next);
            if (s.Board.IsDead) { RecordServingDeath(s); return (ServeEnd.Died, null); }
            if (_t >= _end) return (ServeEnd.TimeUp, null);
            if (until is double u2 && _t >= u2) return (ServeEnd.Reached, null);
            Tick(s);
            if (s.Board.IsDead) { RecordServingDeath(s); return (ServeEnd.Died, null); }
            if (until is not null) continue;
            double age = _t - s.Board.BornAtSeconds;
            if (policy.PreventiveAgeYears is double limit && age >= limit * Year) return (ServeEnd.HandoverCalled, "preventive age");
            var call = s.Predictor.Assess(handoverSeconds, policy.MarginHours * 3600);
            if (call.CallHandover) return (ServeEnd.HandoverCalled, call.RemainingLifeLowerSeconds <= 0 && !s.LastSelfTest ? "self test" : "predictor");
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
            // The restarted host re-attaches the model from what it kept on disk.
            s.Model = _toolkit.RestoreModel(s.Board.Device, s.Snapshot);
            if (!s.Board.IsDead) SetService(_t, s.LastAccuracy);
            _nextHostCrash = _t + _crashRng.NextExponential(_scenario.Faults.HostCrashesPerYear) * Year;
        }
        _t = Math.Max(_t, target);
        s.Board.SyncTo(_t);
    }

    /// <summary>One monitor tick: eval accuracy for the report, canary accuracy and self test for the predictor.</summary>
    private void Tick(ServingBoard s)
    {
        try
        {
            double accuracy = Accuracy(s.Model, _task.Eval);
            double canary = Accuracy(s.Model, _task.Canary);
            var health = s.Board.Device.ReadHealth();
            s.LastSelfTest = health.SelfTestPassed;
            s.Predictor.Observe(new HealthObservation(_t - s.Board.BornAtSeconds, canary, health.SelfTestPassed));
            s.LastAccuracy = accuracy;
            SetService(_t, accuracy);
            _result.MonitorTicks++;
        }
        catch (DeviceFailedException)
        {
            // Dead: the caller sees IsDead.
        }
        catch (IOException)
        {
            _result.LinkLosses++; // the tick's measurements are lost; the board keeps serving
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

    /// <summary>Waits (serving nothing) for a spare, then trains it from labels.</summary>
    private ServingBoard? ColdStart()
    {
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
                var model = _toolkit.TrainFromLabels(board.Device, SeedTree.Derive(_seed, "train", (ulong)board.Index));
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
                _result.LinkLosses++;
            }
        }
        return null;
    }

    private ServingBoard? StartServing(ProvisionedBoard board, IServingModel model, BoardOrigin origin)
    {
        double accuracy;
        try
        {
            accuracy = Accuracy(model, _task.Eval);
        }
        catch (Exception e) when (e is DeviceFailedException or IOException)
        {
            if (board.IsDead) { Count(board.DeathCause ?? "other"); return null; }
            accuracy = 0;
        }
        int generation = _nextGeneration++;
        _result.Generations.Add(new GenerationRecord(generation, board.Serial, board.PresetName, origin, _t, accuracy, null, null));
        SetService(_t, accuracy);
        if (_scenario.Duration.MaxGenerations is int cap && generation >= cap - 1) _stopped = true;
        return new ServingBoard(board, model, _toolkit.CreatePredictor(), generation) { LastAccuracy = accuracy };
    }

    // ------------------------------------------------------------------ bookkeeping

    private double EstimatedHandoverSeconds()
    {
        var p = _scenario.Policy;
        var tm = _scenario.Timing;
        double collect = Math.Min(p.TransferSet, p.TeacherQueryBudget) * tm.ReadMsPerSample;
        double train = p.StudentStepBudget * (_scenario.Training.Batch * tm.ReadMsPerSample + tm.PulseMsPerRequest);
        return (collect + train) / 1000;
    }

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

    /// <summary>Fraction of <paramref name="set"/> the model classifies correctly.</summary>
    internal static double Accuracy(IServingModel model, LabelledSet set)
    {
        var logits = new float[set.Count * model.Classes];
        model.Logits(set.Inputs, logits);
        int correct = 0, k = model.Classes;
        for (int n = 0; n < set.Count; n++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (logits[n * k + c] > logits[n * k + best]) best = c;
            if (best == set.Labels[n]) correct++;
        }
        return correct / (double)set.Count;
    }

    /// <summary>The board currently serving, with the host's view of it.</summary>
    private sealed class ServingBoard(ProvisionedBoard board, IServingModel model, IFailurePredictor predictor, int generation)
    {
        public ProvisionedBoard Board => board;
        public IServingModel Model { get; set; } = model;
        /// <summary>What the host keeps on disk to re-attach the model after a restart.</summary>
        public string Snapshot { get; } = model.Snapshot();
        public IFailurePredictor Predictor => predictor;
        public int Generation => generation;
        public double LastAccuracy { get; set; }
        public bool LastSelfTest { get; set; } = true;
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

using MortalHil.Core.Devices;
using MortalHil.Stress.Faults;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Fleet;

internal sealed partial class LineageSimulation
{
    /// <summary>A handover whose links were lost this many times is given up (a link that never holds would loop forever).</summary>
    private const int MaxLinkLossesPerHandover = 50;

    /// <summary>Device calls of the last clean handover in this lineage (teacher + student links): where injected faults may land.</summary>
    private long _handoverCalls, _teacherCalls, _studentCalls;

    /// <summary>
    /// Hands the serving board's knowledge on: get a spare (the teacher serves while it is provisioned), run
    /// the journaled handover with the scenario's faults injected inside it, and return the board that serves
    /// next (the student, a cold-started board, or null when the lineage is lost).
    /// </summary>
    private ServingBoard? HandOver(ServingBoard teacher, string reason)
    {
        var h = new HandoverRecord { FromGeneration = teacher.Generation, RequestedSeconds = _t, Reason = reason, TeacherAccuracy = teacher.LastAccuracy };
        _result.Handovers.Add(h);
        if (!reason.StartsWith("retry after", StringComparison.Ordinal)) teacher.LastCallReason = reason;
        var run = new HandoverRun(this, teacher, h);
        try
        {
            return run.Execute();
        }
        finally
        {
            run.Close();
        }
    }

    /// <summary>Apprentice mode: a delivered spare that is not serving (an apprentice that did not pass its check), used before any new one is asked for.</summary>
    private ProvisionedBoard? _onHand;

    /// <summary>The spare on hand, brought to the fleet clock; null when there is none or it died on the shelf.</summary>
    private ProvisionedBoard? TakeOnHand()
    {
        var hand = _onHand;
        _onHand = null;
        if (hand is null) return null;
        hand.SyncTo(_t);
        if (!hand.IsDead) return hand;
        Count(hand.DeathCause ?? "other");
        _result.ApprenticesUnused++;
        return null;
    }

    /// <summary>
    /// Apprentice mode: distils the serving board into a spare while it serves (at its prime: it has just started), through the same journaled,
    /// verified handover with the same faults, except that the student does not cut over but stands by. Returns the board serving next: the
    /// teacher (with an apprentice, or with the failed apprentice's board on hand), or, when the teacher died on the way, the apprentice or a cold start.
    /// </summary>
    private ServingBoard? TrainApprentice(ServingBoard teacher)
    {
        var h = new HandoverRecord { FromGeneration = teacher.Generation, RequestedSeconds = _t, Reason = "apprentice: distilled while its teacher serves", TeacherAccuracy = teacher.LastAccuracy };
        _result.Apprentices.Add(h);
        var run = new HandoverRun(this, teacher, h, apprentice: true);
        try
        {
            return run.Execute();
        }
        finally
        {
            run.Close();
        }
    }

    /// <summary>
    /// Apprentice mode: the standing-by apprentice of <paramref name="teacher"/> takes over now if it is alive and its canary accuracy passes the
    /// verification a handover's student passes (within the knowledge budget of the teacher's healthy level, and of the lineage's best with a lineage
    /// budget). Null when there is none or it does not pass; its board is then the spare on hand for what follows.
    /// </summary>
    private ServingBoard? Promote(ServingBoard teacher, string reason, bool atDeath)
    {
        if (teacher.Apprentice is not { } a) return null;
        teacher.Apprentice = null;
        a.Board.SyncTo(_t);
        double canary = double.NaN;
        var cost = new OperationCost(a.Board);
        try { if (!a.Board.IsDead) canary = Accuracy(a.Model.Classifier, _task.Canary); }
        catch (DeviceFailedException) { }
        catch (IOException) { _result.LinkLosses++; }
        Charge(cost);
        a.Board.SyncTo(_t);
        if (a.Board.IsDead)
        {
            Count(a.Board.DeathCause ?? "other");
            _result.ApprenticesUnused++;
            return null;
        }
        var policy = new MortalHil.Core.Mortality.Lifecycle.LifecyclePolicy { KnowledgeBudget = _scenario.Policy.KnowledgeBudget, LineageBudget = _scenario.Policy.LineageBudget };
        double bar = (policy.VerifyReference(teacher.Monitor.HealthyCanary, _lineageBest) ?? double.NaN) - _scenario.Policy.KnowledgeBudget;
        if (!(canary >= bar))
        {
            _result.ApprenticesUnfit++;
            _onHand = a.Board;
            return null;
        }
        var h = new HandoverRecord
        {
            FromGeneration = teacher.Generation, RequestedSeconds = _t, StartedSeconds = _t, EndedSeconds = _t, Reason = reason, Promotion = true,
            TeacherAccuracy = teacher.LastAccuracy, Outcome = HandoverOutcome.Completed,
        };
        _result.Handovers.Add(h);
        var next = StartServing(a.Board, a.Model, BoardOrigin.Distilled);
        h.StudentAccuracy = next?.LastAccuracy;
        if (atDeath) _result.ApprenticesPromotedAtDeath++; else _result.ApprenticesPromotedAtCall++;
        return next;
    }

    /// <summary>Moves fleet time forward with no board serving; host crashes in that time cost nothing.</summary>
    private void WaitUnserved(double target)
    {
        _t = Math.Max(_t, Math.Min(target, _end));
        DrainHostCrashes();
    }

    /// <summary>Skips scheduled host crashes that fell into time when nothing was serving.</summary>
    private void DrainHostCrashes()
    {
        while (_nextHostCrash < _t) _nextHostCrash += _crashRng.NextExponential(_scenario.Faults.HostCrashesPerYear) * Year;
    }

    /// <summary>Device calls a handover makes, before one was measured: rounds x (a teacher batch + student steps + checks).</summary>
    private (long All, long Teacher, long Student) GuessHandoverCalls()
    {
        var p = _scenario.Policy;
        long rounds = Math.Max((p.TeacherQueries + p.QueryBatch - 1) / p.QueryBatch, (p.StudentSteps + p.StepsPerRound - 1) / p.StepsPerRound);
        long layers = _scenario.Network.Hidden.Count + 1;
        long teacher = (p.TeacherQueries + p.QueryBatch - 1) / p.QueryBatch * layers + rounds / p.EvaluateEveryRounds * layers * 2;
        long student = rounds * p.StepsPerRound * (layers * 4 + 2);
        return (teacher + student, teacher, student);
    }

    /// <summary>The state of one handover while it runs.</summary>
    private sealed class HandoverRun(LineageSimulation lineage, ServingBoard teacher, HandoverRecord record, bool apprentice = false)
    {
        private readonly LineageSimulation _l = lineage;
        private readonly string _id = $"{teacher.Board.Serial}/{(apprentice ? "apprentice" : "handover")}-g{teacher.Generation}";
        private readonly int _seed = lineage.SeedOf("handover", teacher.Generation);
        private readonly Dictionary<string, HandoverAccount> _accounts = [];
        private IServingModel? _teacherModel = teacher.Model;
        private bool _teacherDead;
        private bool _teacherKillPlanned, _teacherKillFired;
        private int _crashesPending;
        private ProvisionedBoard? _student;
        private bool _studentKillPlanned;
        private IHandoverProcess? _process;
        private string? _journal, _previousJournal;
        private int _journals;
        private bool _clean = true;
        private long _callsAtStart, _teacherCallsAtStart, _studentCallsAtStart;

        private ServingBoard Teacher => teacher;

        public ServingBoard? Execute()
        {
            var faults = _l._scenario.Faults;
            _teacherKillPlanned = _l._faultRng.NextDouble() < faults.TeacherDeathMidHandover;
            _crashesPending = _l._faultRng.NextPoisson(faults.HostCrashesPerHandover);
            while (true)
            {
                if (_student is null && !ProvideStudent()) return Unfinished();
                if (_l._t >= _l._end) return Unfinished();
                ArmFaults();
                var before = new RunStart(this);
                HandoverEnd end;
                try
                {
                    end = _process!.Run();
                }
                catch (HostCrashedException)
                {
                    AfterRun(before);
                    CrashAndResume();
                    continue;
                }
                catch (DeviceFailedException) when (_student!.IsDead)
                {
                    AfterRun(before);
                    StudentDied();
                    continue;
                }
                catch (DeviceFailedException)
                {
                    // The teacher's death should be absorbed by the handover; if it escapes, resume without the teacher.
                    AfterRun(before);
                    NoteTeacherDeath();
                    Reopen();
                    continue;
                }
                catch (IOException)
                {
                    // DeviceFailedException is an IOException too, so this comes last: a link lost after its retries.
                    AfterRun(before);
                    record.LinkLosses++;
                    _l._result.LinkLosses++;
                    if (record.LinkLosses >= MaxLinkLossesPerHandover) return GiveUp();
                    Reopen();
                    continue;
                }
                AfterRun(before);
                if (end == HandoverEnd.Retired) return CutOver();
                if (_student!.IsDead) { StudentDied(); continue; }
                return NothingToTeach();
            }
        }

        /// <summary>Asks for a spare and waits for it (the teacher serves meanwhile); false when time ran out first.</summary>
        private bool ProvideStudent()
        {
            _l._host.Restart();
            _student = _l.TakeOnHand();
            if (_student is null)
            {
                double ready = _l.RequestSpare();
                record.SparesUsed++;
                if (!_teacherDead)
                {
                    var (end, _) = _l.Serve(teacher, until: Math.Min(ready, _l._end));
                    if (end == ServeEnd.Died) NoteTeacherDeath(alreadyRecorded: true);
                }
                if (_teacherDead) _l.WaitUnserved(ready);
                if (_l._t >= _l._end || ready >= _l._end) return false;
                _student = _l.NewBoard();
            }
            record.StartedSeconds ??= _l._t;
            // A teacher that serves on after a failed handover is handed over again: each of its handovers has journals of its own.
            string attempt = teacher.FailedVerifications == 0 ? "" : $"-t{teacher.FailedVerifications}";
            _journal = Path.Combine(_l._journalFolder, $"{(apprentice ? "apprentice" : "handover")}-g{teacher.Generation}{attempt}-s{_journals++}.db");
            Open();
            _studentKillPlanned = _l._faultRng.NextDouble() < _l._scenario.Faults.StudentDeathMidHandover;
            _callsAtStart = teacher.Board.Link.Calls + _student.Link.Calls;
            _teacherCallsAtStart = teacher.Board.Link.Calls;
            _studentCallsAtStart = _student.Link.Calls;
            return true;
        }

        /// <summary>Arms the faults due in the coming run of the process, each at a random device call inside it.</summary>
        private void ArmFaults()
        {
            ref var rng = ref _l._faultRng;
            if (_l._handoverCalls == 0) (_l._handoverCalls, _l._teacherCalls, _l._studentCalls) = _l.GuessHandoverCalls();
            if (_crashesPending > 0 && !_l._host.Armed)
            {
                _crashesPending--;
                _l._host.Arm(rng.NextInt((int)Math.Min(int.MaxValue, _l._handoverCalls)));
            }
            // A crash at the scenario's yearly rate that falls into the time this handover takes.
            double span = _l._toolkit.ExpectedHandoverSeconds;
            if (!_l._host.Armed && _l._nextHostCrash < _l._t + span && _l._nextHostCrash < _l._end)
            {
                double share = Math.Clamp((_l._nextHostCrash - _l._t) / Math.Max(1, span), 0, 1);
                _l._host.Arm((int)(share * _l._handoverCalls));
                _l._nextHostCrash = _l._t + span + _l._crashRng.NextExponential(_l._scenario.Faults.HostCrashesPerYear) * Year;
            }
            if (_teacherKillPlanned && !_teacherKillFired && !_teacherDead && !teacher.Board.Link.KillPending)
                teacher.Board.Link.KillAfter(rng.NextInt((int)Math.Min(int.MaxValue, _l._teacherCalls)), "injected: teacher died mid-handover");
            if (_studentKillPlanned && !_student!.Link.KillPending && !_student.IsDead)
                _student.Link.KillAfter(rng.NextInt((int)Math.Min(int.MaxValue, _l._studentCalls)), "injected: student died mid-handover");
        }

        /// <summary>
        /// The host was killed inside the handover. Abandon the process, read what its journal holds (without
        /// any process), stay down for the restart delay, resume, and compare what the resumed process loaded
        /// with what was journaled: anything missing or changed is a lost output.
        /// </summary>
        private void CrashAndResume()
        {
            record.HostCrashes++;
            _clean = false;
            Abandon();
            var before = _l._toolkit.ReadJournal(_journal!);
            _l.SetService(_l._t, double.NaN);
            _l._t += _l._scenario.Faults.RestartDelayMinutes * 60;
            teacher.Board.SyncTo(_l._t);
            _student!.SyncTo(_l._t);
            _l._host.Restart();
            if (!_teacherDead && teacher.Board.IsDead) NoteTeacherDeath();
            // The restarted host knows only what it kept on disk: the teacher's model snapshot and the journal.
            _teacherModel = _teacherDead ? null : _l._toolkit.RestoreModel(teacher.Board.Device, teacher.Snapshot);
            Open();
            record.Resumes++;

            var seen = _process!.SeenAtOpen;
            long lost = 0;
            foreach (var (batch, journaled) in before.TeacherOutputs)
                if (!seen.TeacherOutputs.TryGetValue(batch, out var loaded) || loaded.Hash != journaled.Hash) lost += journaled.Examples;
            _l._result.JournaledOutputsChecked += before.Examples;
            _l._result.JournaledOutputsLost += lost;
            _l._result.StudentStepsChecked += before.StudentSteps;
            _l._result.StudentStepsLost += Math.Max(0, before.StudentSteps - seen.StudentSteps);
            if (!_teacherDead) _l.SetService(_l._t, teacher.LastAccuracy);
        }

        /// <summary>A link was lost: the host drops the handover and resumes it from the journal.</summary>
        private void Reopen()
        {
            _clean = false;
            Abandon();
            _l._host.Restart();
            Open();
            record.Resumes++;
        }

        private void StudentDied()
        {
            _clean = false;
            record.StudentDeaths++;
            string cause = _student!.DeathCause ?? "other";
            if (cause == "student died mid-handover") record.StudentDeathsInjected++;
            _l.Count(cause);
            Abandon();
            _previousJournal = _journal;
            _student = null;
        }

        private void NoteTeacherDeath(bool alreadyRecorded = false)
        {
            if (_teacherDead) return;
            _teacherDead = true;
            _teacherModel = null;
            if (teacher.Board.DeathCause == "teacher died mid-handover") { _teacherKillFired = true; record.TeacherDeathInjected = true; }
            if (record.StartedSeconds is not null) record.TeacherDiedMidHandover = true;
            if (!alreadyRecorded) _l.RecordServingDeath(teacher);
        }

        private void Open()
            => _process = _l._toolkit.OpenHandover(new HandoverOpening(_journal!, _id, _teacherDead ? null : _teacherModel, _student!.Device, _seed, _previousJournal,
                teacher.Monitor.HealthyCanary, teacher.PrimeLessons, _l._lineageBest));

        /// <summary>Ends the process as a killed one ends: nothing more is written; the journal keeps what was committed.</summary>
        private void Abandon()
        {
            if (_process is null) return;
            try { _accounts[_journal!] = _process.Account(); }
            finally
            {
                _process.Dispose();
                _process = null;
            }
        }

        /// <summary>After a run of the process (finished or killed): move the fleet clock, count, notice deaths.</summary>
        private void AfterRun(RunStart start)
        {
            // Mortality let board time pass on both boards (its rounds); the fleet clock follows the one that moved most.
            double moved = Math.Max(teacher.Board.ClockSeconds - start.TeacherClock, _student!.ClockSeconds - start.StudentClock);
            _l._t = Math.Max(_l._t, start.FleetTime + Math.Max(0, moved));
            teacher.Board.SyncTo(_l._t);
            _student.SyncTo(_l._t);
            record.StudentPulses += _student.Link.PulsesFirstApplied - start.StudentPulses;
            record.TeacherSamplesRead += teacher.Board.Link.SamplesRead - start.TeacherReads;
            // A pending kill that did not fire in this run is re-drawn for the next one (or dropped).
            teacher.Board.Link.CancelKill();
            _student.Link.CancelKill();
            if (!_teacherDead && teacher.Board.IsDead) NoteTeacherDeath();
            _student.CheckPulseLedger();
        }

        private ServingBoard? CutOver()
        {
            var model = _process!.Student ?? throw new InvalidOperationException("a retired handover must have a student model");
            FinishRecord(HandoverOutcome.Completed);
            if (apprentice && !_teacherDead)
            {
                // The apprentice does not take over: it stands by, ageing beside its teacher, until the teacher's call or death.
                teacher.Apprentice = (_student!, model);
                _student = null;
                return teacher;
            }
            if (apprentice) _l._result.ApprenticesPromotedAtDeath++; // its teacher died while it was taught: it takes over now
            var next = _l.StartServing(_student!, model, BoardOrigin.Distilled);
            record.StudentAccuracy = next?.LastAccuracy;
            _student = null;
            return next;
        }

        private ServingBoard? NothingToTeach()
        {
            record.FailureCause = _process?.EndReason ?? "the handover process ended without a student";
            FinishRecord(HandoverOutcome.Failed);
            var student = _student!;
            _student = null;
            if (apprentice && !_teacherDead && !teacher.Board.IsDead)
            {
                // No apprentice this time: the teacher serves on, and the board is the spare on hand for its handover.
                _l._onHand = student;
                return teacher;
            }
            if (!_teacherDead && !teacher.Board.IsDead && ++teacher.FailedVerifications < _l._scenario.Policy.HandoverTries)
            {
                // The teacher still knows more than this student learned: it keeps serving, and its next call tries another spare.
                record.FailureCause += "; the teacher serves on";
                teacher.RetryDue = _l._scenario.Policy.RetryAtOnce;
                return teacher;
            }
            if (!_l._scenario.Policy.ColdStartFromLabels) return null;
            return _l.Commission(student, BoardOrigin.ColdStart);
        }

        /// <summary>The links kept failing: the handover is given up; the teacher serves on if it can, else the spare is trained from labels.</summary>
        private ServingBoard? GiveUp()
        {
            record.FailureCause = $"links lost {record.LinkLosses} times: the handover was given up";
            FinishRecord(HandoverOutcome.Failed);
            var student = _student!;
            _student = null;
            if (!_teacherDead) return teacher;
            return _l._scenario.Policy.ColdStartFromLabels ? _l.Commission(student, BoardOrigin.ColdStart) : null;
        }

        private ServingBoard? Unfinished()
        {
            record.FailureCause = _l._t >= _l._end ? "the scenario ended before the handover did" : "no spare arrived before the scenario ended";
            FinishRecord(HandoverOutcome.Unfinished);
            return _teacherDead ? null : teacher;
        }

        private void FinishRecord(HandoverOutcome outcome)
        {
            _l._host.Restart();
            if (_clean && outcome == HandoverOutcome.Completed && _student is not null)
            {
                // Where faults may land in the next handover: the calls this clean one made.
                _l._handoverCalls = Math.Max(1, teacher.Board.Link.Calls + _student.Link.Calls - _callsAtStart);
                _l._teacherCalls = Math.Max(1, teacher.Board.Link.Calls - _teacherCallsAtStart);
                _l._studentCalls = Math.Max(1, _student.Link.Calls - _studentCallsAtStart);
            }
            Abandon();
            record.Outcome = outcome;
            record.EndedSeconds = Math.Min(_l._t, _l._end);
            record.Journals = _accounts.Count;
            record.TeacherQueries = _accounts.Values.Sum(a => a.TeacherQueries);
            if (_journal is not null && _accounts.TryGetValue(_journal, out var last))
            {
                record.TeacherOutputsJournaled = last.CollectedExamples;
                record.BitsTransferred = last.BitsTransferred;
            }
        }

        public void Close()
        {
            Abandon();
            _l._host.Restart();
            teacher.Board.Link.CancelKill();
            _student?.Link.CancelKill();
        }

        /// <summary>Clocks and counters when a run of the process starts.</summary>
        private readonly struct RunStart(HandoverRun run)
        {
            public double FleetTime { get; } = run._l._t;
            public double TeacherClock { get; } = run.Teacher.Board.ClockSeconds;
            public double StudentClock { get; } = run._student!.ClockSeconds;
            public long StudentPulses { get; } = run._student!.Link.PulsesFirstApplied;
            public long TeacherReads { get; } = run.Teacher.Board.Link.SamplesRead;
        }
    }
}

using MortalHil.Core.Devices;
using MortalHil.Stress.Faults;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Randomness;

namespace MortalHil.Stress.Fleet;

internal sealed partial class LineageSimulation
{
    /// <summary>
    /// Hands the serving board's knowledge on: get a spare (the teacher serves while it is provisioned),
    /// open the journaled handover, step it to cut over with the scenario's faults injected, and return
    /// the board that serves next (the student, a cold-started board, or null when the lineage is lost).
    /// </summary>
    private ServingBoard? HandOver(ServingBoard teacher, string reason)
    {
        var h = new HandoverRecord { FromGeneration = teacher.Generation, RequestedSeconds = _t, Reason = reason, TeacherAccuracy = teacher.LastAccuracy };
        _result.Handovers.Add(h);
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

    /// <summary>The state of one handover while it runs.</summary>
    private sealed class HandoverRun(LineageSimulation lineage, ServingBoard teacher, HandoverRecord record)
    {
        private readonly LineageSimulation _l = lineage;
        private readonly string _journal = Path.Combine(lineage._journalFolder, $"handover-g{teacher.Generation}.db");
        private readonly string _id = $"{teacher.Board.Serial}/handover-g{teacher.Generation}";
        private readonly ulong _seed = SeedTree.Derive(lineage._seed, "handover", (ulong)teacher.Generation);
        private IServingModel? _teacherModel = teacher.Model;
        private bool _teacherDead;
        private bool _teacherKillPlanned, _teacherKillArmed;
        private double _teacherKillFraction;
        private ProvisionedBoard? _student;
        private IHandoverProcess? _process;
        private int _stepInAttempt;
        private int _studentKillStep = -1;
        private readonly List<int> _crashSteps = [];

        public ServingBoard? Execute()
        {
            _teacherKillPlanned = _l._faultRng.NextDouble() < _l._scenario.Faults.TeacherDeathMidHandover;
            _teacherKillFraction = _l._faultRng.NextDouble();
            while (true)
            {
                if (_student is null && !ProvideStudent()) return Unfinished();
                if (_l._t >= _l._end) return Unfinished();
                ArmFaults();
                var cost = new OperationCost(teacher.Board, _student);
                long teacherReads = teacher.Board.Link.SamplesRead, studentPulses = _student!.Link.PulsesFirstApplied;
                HandoverPhase phase;
                try
                {
                    phase = _process!.Step();
                }
                catch (HostCrashedException)
                {
                    Account(cost, teacherReads, studentPulses);
                    CrashAndResume();
                    continue;
                }
                catch (DeviceFailedException) when (_student.IsDead)
                {
                    Account(cost, teacherReads, studentPulses);
                    StudentDied();
                    continue;
                }
                catch (DeviceFailedException)
                {
                    // The port says a teacher death is absorbed; a process that throws anyway is resumed without its teacher.
                    Account(cost, teacherReads, studentPulses);
                    NoteTeacherDeath();
                    Reopen(countAsResume: true);
                    continue;
                }
                catch (IOException)
                {
                    Account(cost, teacherReads, studentPulses);
                    record.LinkLosses++;
                    _l._result.LinkLosses++;
                    Reopen(countAsResume: true);
                    continue;
                }
                Account(cost, teacherReads, studentPulses);
                _stepInAttempt++;
                if (!_teacherDead && teacher.Board.IsDead) NoteTeacherDeath();
                if (_student.IsDead) { StudentDied(); continue; }
                _student.CheckPulseLedger();

                if (phase == HandoverPhase.CutOver) return CutOver();
                if (phase == HandoverPhase.Failed) return Failed();
            }
        }

        /// <summary>Asks for a spare and waits for it (the teacher serves meanwhile); false when time ran out first.</summary>
        private bool ProvideStudent()
        {
            _l._host.Restart(); // a crash armed for a step that never came does not hit the monitor
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
            record.StartedSeconds ??= _l._t;
            Open();
            int remaining = Math.Max(1, _process!.RemainingSteps);
            _stepInAttempt = 0;
            _studentKillStep = _l._faultRng.NextDouble() < _l._scenario.Faults.StudentDeathMidHandover ? _l._faultRng.NextInt(remaining) : -1;
            _crashSteps.Clear();
            int crashes = _l._faultRng.NextPoisson(_l._scenario.Faults.HostCrashesPerHandover);
            for (int i = 0; i < crashes; i++) _crashSteps.Add(_l._faultRng.NextInt(remaining));
            return true;
        }

        /// <summary>Arms whatever fault is due in the coming step, at a random device call inside it.</summary>
        private void ArmFaults()
        {
            ref var rng = ref _l._faultRng;
            if (_stepInAttempt == _studentKillStep && !_student!.Link.KillPending && !_student.IsDead)
            {
                _student.Link.KillAfter(rng.NextInt(3), "injected: student died mid-handover");
                record.StudentDeathsInjected++;
            }
            if (_teacherKillPlanned && !_teacherKillArmed && !_teacherDead)
            {
                int wanted = Math.Min(_l._scenario.Policy.TransferSet, _l._scenario.Policy.TeacherQueryBudget);
                bool due = _process!.Phase != HandoverPhase.Distilling || _process.TeacherOutputsSeen.Count >= _teacherKillFraction * wanted;
                if (due)
                {
                    teacher.Board.Link.KillAfter(rng.NextInt(2), "injected: teacher died mid-handover");
                    _teacherKillArmed = true;
                    record.TeacherDeathInjected = true;
                }
            }
            foreach (int s in _crashSteps)
                if (s == _stepInAttempt && !_l._host.Armed) _l._host.Arm(rng.NextInt(3));
            // A crash from the scenario's yearly rate that falls into the handover.
            if (_l._nextHostCrash <= _l._t && !_l._host.Armed)
            {
                _l._host.Arm(rng.NextInt(3));
                _l._nextHostCrash = _l._t + _l._crashRng.NextExponential(_l._scenario.Faults.HostCrashesPerYear) * Year;
            }
        }

        /// <summary>
        /// The host was killed mid-step. Abandon the process, read what the journal holds (independently
        /// of any process), stay down for the restart delay, resume, and compare what the resumed process
        /// sees with what was journaled: anything missing or changed is a lost output.
        /// </summary>
        private void CrashAndResume()
        {
            record.HostCrashes++;
            _process!.Dispose(); // the killed process is gone; what its journal holds now is what was journaled
            _process = null;
            var before = _l._toolkit.ReadJournal(_journal);
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

            var seen = _process!.TeacherOutputsSeen;
            long lost = 0;
            foreach (var (index, hash) in before.TeacherOutputs)
                if (!seen.TryGetValue(index, out ulong h) || h != hash) lost++;
            _l._result.JournaledOutputsChecked += before.TeacherOutputs.Count;
            _l._result.JournaledOutputsLost += lost;
            if (before.StudentSteps.TryGetValue(_student.Serial, out int steps))
            {
                _l._result.StudentStepsChecked += steps;
                _l._result.StudentStepsLost += Math.Max(0, steps - _process.StudentStepsSeen);
            }
            if (!_teacherDead) _l.SetService(_l._t, teacher.LastAccuracy);
        }

        private void StudentDied()
        {
            record.StudentDeaths++;
            _l.Count(_student!.DeathCause ?? "other");
            _process?.Dispose();
            _process = null;
            _student = null;
        }

        private void NoteTeacherDeath(bool alreadyRecorded = false)
        {
            if (_teacherDead) return;
            _teacherDead = true;
            _teacherModel = null;
            if (record.StartedSeconds is not null) record.TeacherDiedMidHandover = true;
            if (!alreadyRecorded) _l.RecordServingDeath(teacher);
        }

        private void Open()
        {
            _process = _l._toolkit.OpenHandover(new HandoverOpening(_journal, _id, _teacherDead ? null : _teacherModel, _student!.Device, _seed));
        }

        private void Reopen(bool countAsResume)
        {
            _process?.Dispose();
            _process = null;
            _l._host.Restart();
            Open();
            if (countAsResume) record.Resumes++;
        }

        private void Account(OperationCost cost, long teacherReadsBefore, long studentPulsesBefore)
        {
            _l.Charge(cost);
            record.TeacherQueries += teacher.Board.Link.SamplesRead - teacherReadsBefore;
            record.StudentPulses += _student!.Link.PulsesFirstApplied - studentPulsesBefore;
            if (!_teacherDead) teacher.Board.SyncTo(_l._t);
            _student.SyncTo(_l._t);
        }

        private ServingBoard? CutOver()
        {
            var model = _process!.Student ?? throw new InvalidOperationException("a handover in CutOver must have a student model");
            FinishRecord(HandoverOutcome.Completed);
            var next = _l.StartServing(_student!, model, BoardOrigin.Distilled);
            record.StudentAccuracy = next?.LastAccuracy;
            _student = null;
            return next;
        }

        private ServingBoard? Failed()
        {
            FinishRecord(HandoverOutcome.Failed);
            var student = _student!;
            _student = null;
            if (!_l._scenario.Policy.ColdStartFromLabels) return null;
            return _l.Commission(student, BoardOrigin.ColdStart);
        }

        private ServingBoard? Unfinished()
        {
            FinishRecord(HandoverOutcome.Unfinished);
            return _teacherDead ? null : teacher;
        }

        private void FinishRecord(HandoverOutcome outcome)
        {
            _l._host.Restart();
            _process?.Dispose();
            _process = null;
            record.Outcome = outcome;
            record.EndedSeconds = Math.Min(_l._t, _l._end);
            var view = _l._toolkit.ReadJournal(_journal);
            record.TeacherOutputsJournaled = view.TeacherOutputs.Count;
            record.BitsTransferred = (long)view.TeacherOutputs.Count * _l._task.Classes * 32;
        }

        public void Close()
        {
            _process?.Dispose();
            _process = null;
            _l._host.Restart();
        }
    }
}

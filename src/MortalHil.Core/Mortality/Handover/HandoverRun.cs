using System.Globalization;
using MortalHil.Core.Devices;
using MortalHil.Core.Live;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Handover;

/// <summary>
/// The handover state machine: serving -> distilling -> cut over -> retired (or failed). The teacher
/// answers live requests until the student is at least as good on the canary set; every step is
/// journaled so that a process killed at any moment continues where the journal ends, without
/// asking the teacher again for anything already journaled. If the teacher dies, the student
/// finishes from what was collected.
/// </summary>
public sealed class HandoverRun
{
    /// <summary>Journal event kind written when the teacher board dies.</summary>
    public const string TeacherDiedEvent = "teacher_died";

    private readonly IHandoverJournal _journal;
    private readonly HandoverPlan _plan;
    private readonly TransferSet _transfer;
    private readonly LabelledSet _canary;
    private readonly LabelledSet? _traffic;
    private readonly Func<TimeSpan?, IHandoverBoard> _openTeacher;
    private readonly Func<HandoverCheckpoint?, IStudentLearner> _openStudent;

    private IHandoverBoard? _teacher;
    private bool _teacherDead;
    private IStudentLearner? _student;
    private LessonPool? _pool;
    private long _round;
    private double? _studentCanary, _teacherCanary;
    private double _teacherCanarySum;
    private int _teacherCanaryReadings;
    private bool _budgetChecked;
    private TimeSpan _lastBoardTime;
    private HandoverState _state;
    private string? _teacherName;

    /// <param name="journal">The journal (fresh or to resume).</param>
    /// <param name="plan">How to run; must match the journal's fingerprint.</param>
    /// <param name="transfer">Unlabelled transfer inputs.</param>
    /// <param name="canary">Small labelled set on which the two boards are compared.</param>
    /// <param name="openTeacher">Opens the teacher. After a crash it gets the teacher's clock at the last checkpoint (a
    /// simulated teacher is aged to it); null on a fresh start.</param>
    /// <param name="openStudent">Opens the student: from a checkpoint when given, else fresh.</param>
    /// <param name="traffic">Live requests (with labels, to score the service); null: none served.</param>
    public HandoverRun(IHandoverJournal journal, HandoverPlan plan, TransferSet transfer, LabelledSet canary,
        Func<TimeSpan?, IHandoverBoard> openTeacher, Func<HandoverCheckpoint?, IStudentLearner> openStudent, LabelledSet? traffic = null)
    {
        plan.Validate();
        if (transfer.Size < plan.TransferExamples)
            throw new ArgumentException($"transfer set has {transfer.Size} examples, the plan asks for {plan.TransferExamples}");
        if (canary.InputCount != transfer.InputCount || (traffic is not null && traffic.InputCount != transfer.InputCount))
            throw new ArgumentException("canary, traffic and transfer inputs differ in length");
        _journal = journal;
        _plan = plan;
        _transfer = transfer;
        _canary = canary;
        _traffic = traffic;
        _openTeacher = openTeacher;
        _openStudent = openStudent;
    }

    /// <summary>
    /// Lessons recorded from the teacher at its prime (<see cref="Lifecycle.PrimeLessons"/>), on the same transfer set: the student learns
    /// from them beside the live outputs, so a late call does not mean a student of a declined teacher. They are not journaled again
    /// (they live in their own archive); the caller puts their identity into the journal's fingerprint.
    /// </summary>
    public IReadOnlyList<TeacherBatch> PrimeLessons { get; init; } = [];

    /// <summary>Why the handover was called (journaled with the move to distilling).</summary>
    public string CallReason { get; init; } = "handover requested";

    /// <summary>Raised after each journaled state change, with the reason.</summary>
    public event Action<HandoverState, string>? StateChanged;

    /// <summary>Raised after each round.</summary>
    public event Action<HandoverProgress>? Progress;

    /// <summary>
    /// Runs the handover from wherever the journal stands to a final state and returns the result.
    /// Disposes the boards it opened.
    /// </summary>
    public HandoverResult Run(CancellationToken cancel = default)
    {
        try
        {
            _state = _journal.State;
            if (!_state.IsFinal()) Continue(_state, cancel);
            return Summarise();
        }
        finally
        {
            _teacher?.Dispose();
            _student?.Dispose();
        }
    }

    private HandoverState Continue(HandoverState state, CancellationToken cancel)
    {
        var checkpoint = _journal.LatestCheckpoint();
        _teacherDead = _journal.Events(TeacherDiedEvent).Count > 0;
        _student = _openStudent(checkpoint);
        if (checkpoint is not null)
        {
            if (_student.StepsTaken != checkpoint.TrainerStep)
                throw new InvalidDataException($"student reopened at step {_student.StepsTaken}, checkpoint says {checkpoint.TrainerStep}");
            _round = checkpoint.Round;
            _studentCanary = checkpoint.StudentCanary;
            _teacherCanary = checkpoint.TeacherCanary;
        }
        var readings = _journal.Rounds().Select(r => r.TeacherCanary).OfType<double>().ToList();
        (_teacherCanarySum, _teacherCanaryReadings) = (readings.Sum(), readings.Count);
        _lastBoardTime = _student.BoardTime;
        int classes = _student.Model.ClassCount;
        _pool = new LessonPool(_transfer, _plan, classes);
        foreach (var b in PrimeLessons) _pool.AddPrime(b);
        foreach (var b in _journal.TeacherOutputs()) _pool.Add(b);

        try
        {
            if (state == HandoverState.Serving)
            {
                _teacherCanary = TeacherCanary() ?? _teacherCanary;
                var (by, n, ok) = Serve();
                _journal.AppendRound(Round(HandoverState.Serving, by, n, ok, null, _teacherCanary));
                PaceWait();
                if (Teacher() is null && _pool.Total == 0)
                    return Move(HandoverState.Failed, "teacher died before teaching anything");
                state = Move(HandoverState.Distilling, CallReason);
            }
            if (state == HandoverState.Distilling) state = Distill(cancel);
            if (state == HandoverState.CutOver)
            {
                var (by, n, ok) = Serve();
                _studentCanary = ClassifierEvaluation.Accuracy(_student.Model, _canary);
                _journal.AppendRound(Round(HandoverState.CutOver, by, n, ok, _studentCanary, null));
                Checkpoint(withTeacher: false);
                PaceWait();
                state = Move(HandoverState.Retired, $"teacher retired; student canary {_studentCanary:F4}");
            }
            return state;
        }
        catch (DeviceFailedException e) when (!StudentAlive())
        {
            return Move(HandoverState.Failed, $"student board {_student.Name} died: {e.Message}");
        }
    }

    private HandoverState Distill(CancellationToken cancel)
    {
        var student = _student!;
        var pool = _pool!;
        int n = _transfer.InputCount, k = student.Model.ClassCount;
        var queryInputs = new float[_plan.QueryBatch * n];
        var queryLogits = new float[_plan.QueryBatch * k];
        var trainInputs = new float[_plan.TrainBatch * n];
        var trainTargets = new float[_plan.TrainBatch * k];
        int stepRounds = (_plan.MaxStudentSteps + _plan.StepsPerRound - 1) / _plan.StepsPerRound;
        int maxRounds = Math.Max(_plan.ExpectedRounds, stepRounds) * 2 + 2 * _plan.EvaluateEveryRounds + 10; // a bound, never reached by a working run
        for (int guard = 0; guard < maxRounds; guard++)
        {
            cancel.ThrowIfCancellationRequested();
            _round++;
            var (by, served, correct) = Serve();

            // One batch of the lesson, journaled before it is used.
            int next = NextMissingBatch();
            if (next >= 0 && student.StepsTaken < _plan.MaxStudentSteps && Teacher() is { } teacher)
            {
                long first = (long)next * _plan.QueryBatch;
                int count = (int)Math.Min(_plan.QueryBatch, _plan.TransferExamples - first);
                _transfer.Fill(first, count, queryInputs);
                _journal.RecordQueryIntent(QueryPurpose.Transfer, next, count);
                if (TryTeacher(() => teacher.Model.Predict(queryInputs.AsSpan(0, count * n), count, queryLogits.AsSpan(0, count * k))))
                {
                    var logits = queryLogits.AsSpan(0, count * k);
                    _journal.AppendTeacherOutputs(next, first, count, k, logits);
                    pool.Add(new TeacherBatch(next, first, count, k, logits.ToArray(), _journal.Attempt));
                }
            }

            if (pool.Total == 0 && Teacher() is null)
                return Move(HandoverState.Failed, "teacher died before teaching anything");

            for (int s = 0; s < _plan.StepsPerRound && pool.Total > 0 && student.StepsTaken < _plan.MaxStudentSteps; s++)
            {
                pool.Draw(student.StepsTaken, _plan.TrainBatch, trainInputs, trainTargets);
                student.Step(trainInputs, trainTargets, _plan.TrainBatch);
            }

            student.AdvanceClock(_plan.BoardTimePerRound);
            if (Teacher() is { } t) TryTeacher(() => t.AdvanceClock(_plan.BoardTimePerRound));
            _lastBoardTime = student.BoardTime;

            bool budgetSpent = student.StepsTaken >= _plan.StudentSteps;
            bool exhausted = student.StepsTaken >= _plan.MaxStudentSteps;
            bool evaluate = _round % _plan.EvaluateEveryRounds == 0 || exhausted || (budgetSpent && !_budgetChecked);
            if (budgetSpent) _budgetChecked = true;
            double? studentCanary = null, teacherCanary = null;
            if (evaluate)
            {
                studentCanary = _studentCanary = ClassifierEvaluation.Accuracy(student.Model, _canary);
                teacherCanary = TeacherCanary();
                if (teacherCanary is { } tcNow)
                {
                    _teacherCanary = tcNow;
                    _teacherCanarySum += tcNow;
                    _teacherCanaryReadings++;
                }
                Checkpoint(withTeacher: true);
            }
            _journal.AppendRound(Round(HandoverState.Distilling, by, served, correct, studentCanary, teacherCanary));
            Report(HandoverState.Distilling, by);

            if (evaluate)
            {
                bool allCollected = pool.Batches >= _plan.TransferBatches;
                if (_plan.VerifyWithin is { } within)
                {
                    var (to, why) = VerifiedDecision(within, budgetSpent, exhausted, allCollected);
                    if (to is { } state) return Move(state, why!);
                }
                else
                {
                    var reason = CutOverReason(budgetSpent, allCollected);
                    if (reason is not null) return Move(HandoverState.CutOver, reason);
                }
            }
            PaceWait();
        }
        throw new InvalidOperationException($"handover did not finish within {maxRounds} rounds");
    }

    private void PaceWait()
    {
        if (_plan.Pace > TimeSpan.Zero) Thread.Sleep(_plan.Pace);
    }

    private string? CutOverReason(bool budgetSpent, bool allCollected)
    {
        string score = string.Create(CultureInfo.InvariantCulture, $"student {_studentCanary:F4} vs teacher {(_teacherCanary is { } t ? t.ToString("F4", CultureInfo.InvariantCulture) : "n/a")}");
        if (Teacher() is null)
            return budgetSpent ? $"teacher died; student finished from {_pool!.Count} collected outputs ({score})" : null;
        if (allCollected && _teacherCanary is { } tc && _studentCanary >= tc - _plan.CutOverMargin)
            return $"student is at least as good on the canary set ({score})";
        if (budgetSpent) return $"student budget spent ({score})";
        return null;
    }

    /// <summary>
    /// Verified cut-over: the student takes over once it is within <paramref name="within"/> of the teacher's level (its healthy
    /// level when the plan knows it, else the mean of its canary readings in this handover) once the teacher's lesson is collected
    /// or the teacher is dead; a student still short of it when its
    /// extended budget is spent fails the handover, and the reason says by how much.
    /// </summary>
    private (HandoverState? To, string? Reason) VerifiedDecision(double within, bool budgetSpent, bool exhausted, bool allCollected)
    {
        double? bar = _plan.VerifyReference ?? (_teacherCanaryReadings > 0 ? _teacherCanarySum / _teacherCanaryReadings : null);
        string reference = bar is { } level ? level.ToString("F4", CultureInfo.InvariantCulture) : "n/a";
        string score = string.Create(CultureInfo.InvariantCulture,
            $"student {_studentCanary:F4} vs teacher {(_plan.VerifyReference is null ? "mean reading" : "healthy level")} {reference} - {within:F4}, after {_student!.StepsTaken} steps");
        bool teacherGone = Teacher() is null;
        if (bar is not { } tb)
            return exhausted ? (HandoverState.Failed, $"verification impossible: the teacher was never measured on the canary set ({score})") : (null, null);
        bool matches = _studentCanary >= tb - within;
        if (matches && (allCollected || teacherGone))
            return (HandoverState.CutOver, teacherGone ? $"teacher died; student verified from {_pool!.Count} collected outputs ({score})" : $"student verified on the canary set ({score})");
        if (exhausted)
            return (HandoverState.Failed, $"student did not reach the teacher within the knowledge budget ({score})");
        _ = budgetSpent;
        return (null, null);
    }

    private int NextMissingBatch()
    {
        for (int b = 0; b < _plan.TransferBatches; b++) if (!_pool!.Has(b)) return b;
        return -1;
    }

    /// <summary>The live teacher, opened on first use; null once it has died.</summary>
    private IHandoverBoard? Teacher()
    {
        if (_teacherDead) return null;
        if (_teacher is null)
        {
            try { _teacher = _openTeacher(_journal.LatestTeacherBoardTime()); _teacherName = _teacher.Name; }
            catch (DeviceFailedException e) { MarkTeacherDead(e); return null; }
        }
        return _teacher;
    }

    /// <summary>Runs a teacher operation; a dead teacher is journaled and reported as false.</summary>
    private bool TryTeacher(Action op)
    {
        try { op(); return true; }
        catch (DeviceFailedException e) { MarkTeacherDead(e); return false; }
    }

    private void MarkTeacherDead(DeviceFailedException e)
    {
        if (_teacherDead) return;
        _teacherDead = true;
        _journal.AppendEvent(TeacherDiedEvent, e.Message, _lastBoardTime);
        _teacher?.Dispose();
        _teacher = null;
    }

    private double? TeacherCanary()
    {
        if (Teacher() is not { } t) return null;
        _journal.RecordQueryIntent(QueryPurpose.Canary, -1, _canary.Count);
        double acc = double.NaN;
        return TryTeacher(() => acc = ClassifierEvaluation.Accuracy(t.Model, _canary)) ? acc : null;
    }

    /// <summary>Serves this round's requests from the teacher while it lives and the handover is not cut over, else from the student.</summary>
    private (string By, int Requests, int Correct) Serve()
    {
        if (_traffic is null || _plan.ServeRequestsPerRound == 0) return ("none", 0, 0);
        int n = _plan.ServeRequestsPerRound, k = _student!.Model.ClassCount;
        var inputs = new float[n * _traffic.InputCount];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int j = (int)((_round * n + i) % _traffic.Count);
            _traffic.Input(j).CopyTo(inputs.AsSpan(i * _traffic.InputCount));
            labels[i] = _traffic.Labels[j];
        }
        var logits = new float[n * k];
        string by = "student";
        bool teacherServes = _state is HandoverState.Serving or HandoverState.Distilling && Teacher() is not null;
        if (teacherServes && TryTeacher(() => _teacher!.Model.Predict(inputs, n, logits))) by = "teacher";
        else _student.Model.Predict(inputs, n, logits);
        int correct = 0;
        for (int i = 0; i < n; i++) if (ClassifierEvaluation.ArgMax(logits.AsSpan(i * k, k)) == labels[i]) correct++;
        return (by, n, correct);
    }

    private void Checkpoint(bool withTeacher)
    {
        var s = _student!;
        TimeSpan? teacherTime = null;
        if (withTeacher && Teacher() is { } t) TryTeacher(() => teacherTime = t.BoardTime);
        _journal.AppendCheckpoint(new HandoverCheckpoint(s.StepsTaken, s.SaveBoard(), s.SaveHostState(), teacherTime,
            _studentCanary ?? double.NaN, _teacherCanary, s.PulsesApplied, s.BoardTime, _round));
    }

    private HandoverRound Round(HandoverState state, string by, int requests, int correct, double? studentCanary, double? teacherCanary) =>
        new(_round, _journal.Attempt, state, by, requests, correct, studentCanary, teacherCanary, _student!.StepsTaken, _pool!.Batches, _lastBoardTime);

    private void Report(HandoverState state, string by)
    {
        Progress?.Invoke(new HandoverProgress(state, _round, _pool!.Count, _plan.TransferExamples, _student!.StepsTaken, _plan.StudentSteps,
            _studentCanary, _teacherCanary, !_teacherDead, by, _lastBoardTime));
        Publish(state, null);
    }

    private void Publish(HandoverState state, string? reason)
    {
        if (!LiveEvents.IsActive || _student is null) return;
        long collected = _pool?.Count ?? 0;
        try
        {
            PublishEvent(state, reason, collected);
        }
        catch (DeviceFailedException)
        {
            // A board that died mid-report: the transition that follows says so.
        }
    }

    private void PublishEvent(HandoverState state, string? reason, long collected)
    {
        var student = _student!;
        LiveEvents.Publish(new HandoverEvent
        {
            Journal = _journal.Path, Teacher = _teacherName ?? "teacher", Student = student.Name, State = state.Name(), Round = _round,
            CollectedExamples = collected, TransferExamples = _plan.TransferExamples, StudentSteps = student.StepsTaken, StudentBudget = _plan.StudentSteps,
            TeacherQueries = _journal.TeacherQueries(), BitsSent = (double)collected * student.Model.ClassCount * _plan.QuantisationBits,
            StudentCanary = _studentCanary, TeacherCanary = _teacherCanary, TeacherAlive = !_teacherDead, BoardHours = _lastBoardTime.TotalHours, Reason = reason,
        });
    }

    private HandoverState Move(HandoverState to, string reason)
    {
        if (StudentAlive()) _lastBoardTime = _student!.BoardTime;
        _journal.Transition(to, reason, _lastBoardTime);
        _state = to;
        StateChanged?.Invoke(to, reason);
        Publish(to, reason);
        return to;
    }

    private bool StudentAlive()
    {
        try { _ = _student?.BoardTime; return _student is not null; }
        catch (DeviceFailedException) { return false; }
    }

    private HandoverResult Summarise()
    {
        var transitions = _journal.Transitions();
        var outputs = _journal.TeacherOutputs();
        var classes = outputs.Count > 0 ? outputs[0].Classes : PrimeLessons.Count > 0 ? PrimeLessons[0].Classes : 1;
        var pool = new LessonPool(_transfer, _plan, classes);
        foreach (var b in PrimeLessons) pool.AddPrime(b);
        foreach (var b in outputs) pool.Add(b);
        var checkpoint = _journal.LatestCheckpoint();
        var rounds = _journal.Rounds();
        var distilling = transitions.FirstOrDefault(t => t.To == HandoverState.Distilling);
        var last = transitions.Count > 0 ? transitions[^1] : null;
        var firstTeacher = rounds.Select(r => r.TeacherCanary).FirstOrDefault(v => v is not null);
        var lastTeacher = rounds.Select(r => r.TeacherCanary).LastOrDefault(v => v is not null);
        return new HandoverResult
        {
            State = _journal.State,
            Resumed = _journal.Resumed,
            Attempts = _journal.AttemptCount,
            TeacherQueries = _journal.TeacherQueries(),
            TeacherTransferQueries = _journal.TeacherQueries(QueryPurpose.Transfer),
            TeacherCanaryQueries = _journal.TeacherQueries(QueryPurpose.Canary),
            CollectedExamples = pool.Count,
            TransferExamples = _plan.TransferExamples,
            TeacherDied = _journal.Events(TeacherDiedEvent).Count > 0,
            StudentSteps = checkpoint?.TrainerStep ?? 0,
            StudentPulses = checkpoint?.StudentPulses ?? 0,
            StudentCanary = checkpoint is { } c && !double.IsNaN(c.StudentCanary) ? c.StudentCanary : null,
            TeacherCanaryFirst = firstTeacher,
            TeacherCanaryLast = lastTeacher,
            Reason = transitions.LastOrDefault(t => t.To is HandoverState.CutOver or HandoverState.Failed)?.Reason ?? last?.Reason ?? "not started",
            HandoverBoardTime = distilling is not null && last is not null ? last.BoardTime - distilling.BoardTime : TimeSpan.Zero,
            PayloadBitsPerExample = pool.Information.PayloadBitsPerExample,
            InformationBitsPerExample = pool.Information.InformationBitsPerExample,
            LabelBitsPerExample = pool.Information.LabelBitsPerExample,
            ServedByTeacher = rounds.Where(r => r.ServedBy == "teacher").Sum(r => (long)r.Requests),
            ServedByStudent = rounds.Where(r => r.ServedBy == "student").Sum(r => (long)r.Requests),
            ServedCorrect = rounds.Sum(r => (long)r.Correct),
            Transitions = transitions,
            PrimeExamples = pool.PrimeCount,
            PrimeShare = pool.PrimeCount > 0 ? _plan.PrimeShare : 0,
            PrimeAgreement = pool.PrimeAgreement,
        };
    }
}

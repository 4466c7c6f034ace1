using System.Globalization;
using MortalHil.Core.Devices;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Stress.Interim;

/// <summary>
/// Distils a teacher board into a student board, one journaled step at a time: first the teacher's soft
/// targets at temperature T on a transfer set (inputs only, no labels), one batch per step; then on-chip
/// training of the student on them, one minibatch per step; then cut over. Everything it needs to resume
/// is in the journal; everything else is recomputed from the seed. A teacher that dies is absorbed: the
/// student trains on what was collected (if at least the policy's minimum share).
/// </summary>
internal sealed class InterimHandoverProcess : IHandoverProcess
{
    private readonly HandoverOpening _opening;
    private readonly HandoverPolicy _policy;
    private readonly TrainingSpec _training;
    private readonly SyntheticTask _task;
    private readonly InterimHandoverJournal _journal;
    private readonly float[] _transfer;
    private readonly Dictionary<int, float[]> _outputs;
    private readonly Dictionary<int, ulong> _seen;
    private readonly DifferentialLinearModel _student;
    private readonly OnChipSoftmaxTrainer _trainer;
    private readonly string _studentSerial;
    private readonly int _wanted;
    private int _steps;
    private bool _teacherLost;
    private int[] _collectedIndices = [];

    public InterimHandoverProcess(HandoverOpening opening, HandoverPolicy policy, TrainingSpec training, SyntheticTask task)
    {
        _opening = opening;
        _policy = policy;
        _training = training;
        _task = task;
        _journal = new InterimHandoverJournal(opening.JournalPath);
        try
        {
            string? id = _journal.Meta("handover_id");
            if (id is null) _journal.SetMeta("handover_id", opening.HandoverId);
            else if (id != opening.HandoverId)
                throw new InvalidDataException($"journal {opening.JournalPath} belongs to handover '{id}', not '{opening.HandoverId}'");
            _transfer = task.TransferInputs(policy.TransferSet, opening.Seed);
            _wanted = Math.Min(policy.TransferSet, policy.TeacherQueryBudget);
            _outputs = _journal.LoadOutputs();
            _seen = _outputs.ToDictionary(kv => kv.Key, kv => InterimHandoverJournal.ContentHash(InterimHandoverJournal.ToBytes(kv.Value)));
            _teacherLost = _journal.Meta("teacher_lost") == "1";
            if (opening.Teacher is null && !_teacherLost) MarkTeacherLost();
            _studentSerial = opening.Student.Description.SerialNumber;
            _steps = _journal.StudentSteps(_studentSerial);
            _student = new DifferentialLinearModel(opening.Student, task.Features, task.Classes);
            _trainer = new OnChipSoftmaxTrainer(_student, training.LearningRatePulses);
            RefreshIndices();
        }
        catch
        {
            _journal.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public HandoverPhase Phase
    {
        get
        {
            if (!_teacherLost && _outputs.Count < _wanted) return HandoverPhase.Distilling;
            if (_outputs.Count < Math.Max(1, (int)Math.Ceiling(_policy.MinTransferFraction * _policy.TransferSet))) return HandoverPhase.Failed;
            return _steps < _policy.StudentStepBudget ? HandoverPhase.Training : HandoverPhase.CutOver;
        }
    }

    /// <inheritdoc/>
    public int RemainingSteps
    {
        get
        {
            int collect = _teacherLost ? 0 : (Math.Max(0, _wanted - _outputs.Count) + _training.Batch - 1) / _training.Batch;
            return collect + Math.Max(0, _policy.StudentStepBudget - _steps);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<int, ulong> TeacherOutputsSeen => _seen;

    /// <inheritdoc/>
    public int StudentStepsSeen => _steps;

    /// <inheritdoc/>
    public bool TeacherLost => _teacherLost;

    /// <inheritdoc/>
    public IServingModel? Student => Phase == HandoverPhase.CutOver ? _student : null;

    /// <inheritdoc/>
    public HandoverPhase Step()
    {
        switch (Phase)
        {
            case HandoverPhase.Distilling: Collect(); break;
            case HandoverPhase.Training: Train(); break;
        }
        return Phase;
    }

    private void Collect()
    {
        int f = _task.Features, k = _task.Classes;
        var indices = new List<int>(_training.Batch);
        for (int i = 0; i < _wanted && indices.Count < _training.Batch; i++)
            if (!_outputs.ContainsKey(i)) indices.Add(i);
        var inputs = new float[indices.Count * f];
        for (int n = 0; n < indices.Count; n++) _transfer.AsSpan(indices[n] * f, f).CopyTo(inputs.AsSpan(n * f, f));
        var logits = new float[indices.Count * k];
        try
        {
            _opening.Teacher!.Logits(inputs, logits);
        }
        catch (DeviceFailedException)
        {
            MarkTeacherLost();
            return;
        }
        var batch = new List<(int, float[])>(indices.Count);
        for (int n = 0; n < indices.Count; n++)
        {
            var p = new float[k];
            OnChipSoftmaxTrainer.Softmax(logits.AsSpan(n * k, k), (float)_policy.Temperature, p);
            batch.Add((indices[n], p));
        }
        _journal.AddOutputs(batch);
        foreach (var (i, p) in batch)
        {
            _outputs[i] = p;
            _seen[i] = InterimHandoverJournal.ContentHash(InterimHandoverJournal.ToBytes(p));
        }
        RefreshIndices();
    }

    private void Train()
    {
        int f = _task.Features, k = _task.Classes, batch = _training.Batch;
        ulong stepSeed = SeedTree.Derive(_opening.Seed, "student/" + _studentSerial, (ulong)_steps);
        var rng = new SplitMixRandom(stepSeed);
        var inputs = new float[batch * f];
        var targets = new float[batch * k];
        for (int b = 0; b < batch; b++)
        {
            int idx = _collectedIndices[rng.NextInt(_collectedIndices.Length)];
            _transfer.AsSpan(idx * f, f).CopyTo(inputs.AsSpan(b * f, f));
            _outputs[idx].CopyTo(targets.AsSpan(b * k, k));
        }
        // The pulse id is a function of (handover, student, step): a step repeated after a crash is not applied twice.
        ulong pulseId = SeedTree.Derive(stepSeed, "pulse-id") | 1;
        _trainer.Step(inputs, targets, batch, _policy.Temperature, pulseId, SeedTree.Derive(stepSeed, "rounding"));
        _journal.SetStudentSteps(_studentSerial, _steps + 1);
        _steps++;
    }

    private void MarkTeacherLost()
    {
        _teacherLost = true;
        _journal.SetMeta("teacher_lost", "1");
    }

    private void RefreshIndices() => _collectedIndices = _outputs.Keys.Order().ToArray();

    public void Dispose() => _journal.Dispose();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"handover {_opening.HandoverId}: {Phase}, {_outputs.Count} outputs, {_steps} steps");
}

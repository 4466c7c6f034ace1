using System.Globalization;

namespace MortalHil.Core.Mortality.Handover;

/// <summary>What the student learns from.</summary>
public enum LessonKind
{
    /// <summary>The teacher's soft distribution at temperature T (distillation).</summary>
    Soft = 0,
    /// <summary>The teacher's argmax as a one-hot label.</summary>
    TeacherHard = 1,
}

/// <summary>
/// How one handover runs. A handover proceeds in rounds: in each round the active board serves
/// some requests, the teacher answers one batch of transfer inputs (journaled), the student takes
/// a few training steps on everything collected so far, and board time moves on.
/// </summary>
public sealed record HandoverPlan
{
    /// <summary>Transfer examples to ask the teacher about.</summary>
    public required int TransferExamples { get; init; }
    /// <summary>Teacher queries per round (one journaled batch).</summary>
    public int QueryBatch { get; init; } = 64;
    /// <summary>Examples per student training step.</summary>
    public int TrainBatch { get; init; } = 16;
    /// <summary>Student training steps in all (the student's budget).</summary>
    public required int StudentSteps { get; init; }
    /// <summary>Student training steps per round.</summary>
    public int StepsPerRound { get; init; } = 4;
    /// <summary>Every this many rounds: canary checks of both boards, a checkpoint, and the cut-over decision.</summary>
    public int EvaluateEveryRounds { get; init; } = 10;
    /// <summary>Distillation temperature T.</summary>
    public float Temperature { get; init; } = 4;
    /// <summary>Bits per class probability sent to the student.</summary>
    public int QuantisationBits { get; init; } = 8;
    /// <summary>Soft targets or the teacher's hard labels.</summary>
    public LessonKind Lesson { get; init; } = LessonKind.Soft;
    /// <summary>Board time one round takes (the handover shares the boards with live traffic).</summary>
    public TimeSpan BoardTimePerRound { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Inference requests served per round by whichever board is serving.</summary>
    public int ServeRequestsPerRound { get; init; } = 8;
    /// <summary>Cut over once the student's canary accuracy is at least the teacher's minus this.</summary>
    public double CutOverMargin { get; init; }
    /// <summary>
    /// Verify before cut-over: the student takes over only once its canary accuracy is within this much (absolute) of the
    /// teacher's level (<see cref="VerifyReference"/>, or else the mean of the teacher's canary readings in this handover); until
    /// then it keeps distilling, up to <see cref="ExtraStudentSteps"/> beyond its budget, and then the handover fails with that
    /// cause. Null: cut over when the budget is spent (unverified).
    /// </summary>
    public double? VerifyWithin { get; init; }
    /// <summary>
    /// The teacher's healthy canary level, when known (the lifecycle watch's baseline, a mean of several checks): verification
    /// holds the student to it, so a teacher that has already declined does not lower the bar. Not the best of the readings in
    /// the handover: the best of several noisy readings sits above the teacher's level by about the readings' spread, which on
    /// a small canary set is as large as a one-point budget, and failed students that matched their teacher.
    /// </summary>
    public double? VerifyReference { get; init; }
    /// <summary>Steps a student that has not matched its teacher may take beyond <see cref="StudentSteps"/> (with <see cref="VerifyWithin"/>).</summary>
    public int ExtraStudentSteps { get; init; }
    /// <summary>Student steps at most: the budget, plus the extension when cut-over is verified.</summary>
    public int MaxStudentSteps => StudentSteps + (VerifyWithin is null ? 0 : ExtraStudentSteps);
    /// <summary>Share of each minibatch drawn from lessons of the teacher's prime, when a handover has them beside live outputs.</summary>
    public double PrimeShare { get; init; } = 0.5;
    /// <summary>Seed of minibatch draws.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Wall-clock pause after each round, to pace a handover beside live traffic (default none).</summary>
    public TimeSpan Pace { get; init; } = TimeSpan.Zero;

    /// <summary>Number of teacher batches in the transfer set.</summary>
    public int TransferBatches => (TransferExamples + QueryBatch - 1) / QueryBatch;

    /// <summary>Rounds a handover takes if it runs to the end of its budget.</summary>
    public int ExpectedRounds => Math.Max(TransferBatches, (StudentSteps + StepsPerRound - 1) / StepsPerRound);

    /// <summary>Board time a handover takes if it runs to the end of its budget: what the handover policy must leave room for.</summary>
    public TimeSpan ExpectedBoardTime => BoardTimePerRound * (ExpectedRounds + 2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v <= 0) throw new ArgumentException($"{name} must be positive, got {v}"); }
        Positive(TransferExamples, "transfer examples");
        Positive(QueryBatch, "query batch");
        Positive(TrainBatch, "train batch");
        Positive(StudentSteps, "student steps");
        Positive(StepsPerRound, "steps per round");
        Positive(EvaluateEveryRounds, "evaluate-every rounds");
        if (!(Temperature > 0) || !float.IsFinite(Temperature)) throw new ArgumentException($"temperature must be positive, got {Temperature}");
        if (QuantisationBits is < 1 or > 16) throw new ArgumentException($"quantisation bits must be 1..16, got {QuantisationBits}");
        if (ServeRequestsPerRound < 0) throw new ArgumentException("serve requests per round must not be negative");
        if (BoardTimePerRound < TimeSpan.Zero) throw new ArgumentException("board time per round must not be negative");
        if (VerifyWithin is { } v && !(v >= 0 && v < 1)) throw new ArgumentException($"verify-within must be in [0, 1), got {v}");
        if (ExtraStudentSteps < 0) throw new ArgumentException("extra student steps must not be negative");
        if (!(PrimeShare >= 0 && PrimeShare <= 1)) throw new ArgumentException($"prime share must be in [0, 1], got {PrimeShare}");
    }

    /// <summary>The fields that make a handover this handover (stored in, and checked against, the journal).</summary>
    public IReadOnlyDictionary<string, string> Fingerprint()
    {
        var f = BaseFingerprint();
        // Added fields enter the fingerprint only when set, so journals written before they existed still match.
        if (VerifyWithin is { } v)
        {
            f["verify_within"] = v.ToString("R", CultureInfo.InvariantCulture);
            f["extra_student_steps"] = ExtraStudentSteps.ToString(CultureInfo.InvariantCulture);
            if (VerifyReference is { } r) f["verify_reference"] = r.ToString("R", CultureInfo.InvariantCulture);
        }
        return f;
    }

    private Dictionary<string, string> BaseFingerprint() => new()
    {
        ["transfer_examples"] = TransferExamples.ToString(CultureInfo.InvariantCulture),
        ["query_batch"] = QueryBatch.ToString(CultureInfo.InvariantCulture),
        ["train_batch"] = TrainBatch.ToString(CultureInfo.InvariantCulture),
        ["student_steps"] = StudentSteps.ToString(CultureInfo.InvariantCulture),
        ["steps_per_round"] = StepsPerRound.ToString(CultureInfo.InvariantCulture),
        ["evaluate_every_rounds"] = EvaluateEveryRounds.ToString(CultureInfo.InvariantCulture),
        ["temperature"] = Temperature.ToString("R", CultureInfo.InvariantCulture),
        ["quantisation_bits"] = QuantisationBits.ToString(CultureInfo.InvariantCulture),
        ["lesson"] = Lesson.ToString(),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
    };
}

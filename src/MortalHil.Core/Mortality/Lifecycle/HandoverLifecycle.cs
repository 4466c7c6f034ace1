using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Lifecycle;

/// <summary>What a board's life and its handover are run with: the boards, the network, the data, the budgets and the policy.</summary>
public sealed record LifecycleSetup
{
    /// <summary>Where teacher, student and baseline boards come from.</summary>
    public required IBoardSupply Boards { get; init; }
    public required NetworkShape Shape { get; init; }
    /// <summary>On-chip trainer of every board: np, ll or wp.</summary>
    public required string Algo { get; init; }
    /// <summary>Labelled canary set of the health checks and of the cut-over verification (never the test set).</summary>
    public required LabelledSet Canary { get; init; }
    /// <summary>Unlabelled transfer inputs the teacher is asked about.</summary>
    public required TransferSet Transfer { get; init; }
    /// <summary>Live requests served during the handover, or null.</summary>
    public LabelledSet? Traffic { get; init; }
    /// <summary>Unlabelled inputs a fresh network's ranges are fitted on (<see cref="SampleCount"/> rows).</summary>
    public required float[] Sample { get; init; }
    public required int SampleCount { get; init; }
    /// <summary>The handover's budgets (its <see cref="HandoverPlan.VerifyWithin"/> is set from <see cref="Policy"/>).</summary>
    public required HandoverPlan Plan { get; init; }
    public LifecyclePolicy Policy { get; init; } = new();
    /// <summary>Seed of the student's mapping.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Lessons recorded from the lineage's teacher at its prime, learnt beside live queries (null: live queries only).</summary>
    public PrimeLessons? Prime { get; init; }
    /// <summary>Student learning rate (null: the train command's default for <see cref="Algo"/>).</summary>
    public float? StudentLearningRate { get; init; }

    /// <summary>The plan as the lifecycle runs it: cut over only when verified within the knowledge budget, with the policy's extension.</summary>
    public HandoverPlan VerifiedPlan => Policy.Verified(Plan);
}

/// <summary>How a board's service ended: a handover was called, the board died first, or the horizon came.</summary>
public enum ServiceEnd { HandoverCalled, Died, Horizon }

/// <summary>The service of one board up to its handover call (or its death, or the horizon).</summary>
/// <param name="End">How it ended.</param>
/// <param name="Call">The check that called the handover.</param>
/// <param name="Death">Why the board died, when it did.</param>
/// <param name="BoardTime">The board's clock when service ended.</param>
public sealed record ServiceLife(ServiceEnd End, LifecycleCheck? Call, string? Death, TimeSpan BoardTime);

/// <summary>A board and the network on it.</summary>
public sealed record BoardNetwork(IDevice Board, MappedNetwork Network);

/// <summary>How a handover opens its boards: the teacher (given the journal's last board time after a crash, or null) and the
/// student (fresh when the checkpoint is null, else restored from it).</summary>
public sealed record HandoverBoards(Func<TimeSpan?, IHandoverBoard> OpenTeacher, Func<HandoverCheckpoint?, IStudentLearner> OpenStudent);

/// <summary>Who is told about a running handover: each round's progress, each state change (after it is journaled).</summary>
public sealed record HandoverWatchers(Action<HandoverProgress>? Progress = null, Action<HandoverState, string>? StateChanged = null);

/// <summary>What one handover produced: the journaled result and the student (its board may differ from the one passed in after a resume).</summary>
/// <param name="Result">What the handover achieved, read back from its journal.</param>
/// <param name="Student">The student board and its network (restored from the latest checkpoint after a resume).</param>
/// <param name="StudentTraining">What the student's training steps cost on its board in this process (its trainers' accounts;
/// canary checks and evaluations excluded).</param>
public sealed record HandoverOutcome(HandoverResult Result, BoardNetwork Student, TrainingWork? StudentTraining = null)
{
    public bool HandedOver => Result.State == HandoverState.Retired;
}

/// <summary>
/// The lifecycle of a board, in one place: monitor it while it serves and ages until the policy calls a handover,
/// distil it into a fresh board through the journaled <see cref="HandoverRun"/> while it keeps serving, verify the
/// student against the teacher on the canary set, cut over, retire. The demo, <c>handover</c>, <c>experiment
/// mortality</c> and the stress runner use these steps (the stress runner drives the handover step itself, between
/// its injected faults, with the same watch, plan and verification).
/// </summary>
public static class HandoverLifecycle
{
    /// <summary>The watch of a board that starts serving now: the policy's indicators, a write probe on spare cells when there is room.</summary>
    public static LifecycleWatch Watch(MappedNetwork network, LifecycleSetup setup, TimeSpan? handoverNeeds = null, double? healthyCanary = null) =>
        new(network, setup.Canary, setup.Policy, handoverNeeds ?? setup.VerifiedPlan.ExpectedBoardTime, LifecycleWatch.FreeProbeWindow(network),
            healthyCanary: healthyCanary);

    /// <summary>
    /// Lets a serving board age in steps of <paramref name="step"/> (through <paramref name="keeper"/>), checking its health after each,
    /// until the watch calls a handover, the board dies, or <paramref name="until"/> (board time) comes.
    /// </summary>
    public static ServiceLife Serve(BoardNetwork serving, LifecycleWatch watch, IBoardKeeper keeper, TimeSpan step, TimeSpan until,
        Action<LifecycleCheck>? onCheck = null)
    {
        if (step <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(step), "the ageing step must be positive");
        var now = serving.Board.ReadHealth().Uptime;
        if (watch.CommissioningCheckDue)
        {
            // Taken whether or not anyone watches: `onCheck?.Invoke(watch.Check())` skipped the check itself when no observer was given.
            LifecycleCheck first;
            try { first = watch.Check(); }
            catch (DeviceFailedException e) { return new ServiceLife(ServiceEnd.Died, null, e.Message, now); }
            onCheck?.Invoke(first);
        }
        while (now < until)
        {
            keeper.AdvanceClock(serving.Board, step);
            LifecycleCheck check;
            try
            {
                check = watch.Check();
                now = serving.Board.ReadHealth().Uptime;
            }
            catch (DeviceFailedException e)
            {
                return new ServiceLife(ServiceEnd.Died, null, e.Message, now + step);
            }
            onCheck?.Invoke(check);
            if (check.CallHandover) return new ServiceLife(ServiceEnd.HandoverCalled, check, null, now);
        }
        return new ServiceLife(ServiceEnd.Horizon, null, null, now);
    }

    /// <summary>A fresh student board <paramref name="serial"/>, mapped as the setup's trainer needs.</summary>
    public static BoardNetwork FreshStudent(LifecycleSetup setup, string serial)
    {
        var (board, net) = TeacherSchool.Fresh(setup.Boards, serial, setup.Shape, setup.Algo, setup.Sample, setup.SampleCount, setup.Seed);
        return new BoardNetwork(board, net);
    }

    /// <summary>
    /// Distils <paramref name="teacher"/> into <paramref name="student"/> through a journaled, verified <see cref="HandoverRun"/>
    /// (teacher and student stay alive afterwards). <paramref name="journalPath"/> is replaced if it exists: a handover
    /// between boards this process holds is not resumable across processes.
    /// </summary>
    public static HandoverOutcome Distil(LifecycleSetup setup, BoardNetwork teacher, BoardNetwork student, string journalPath, string callReason,
        Action<HandoverProgress, MappedNetwork>? observe = null, Action<HandoverState, string>? stateChanged = null, HandoverPlan? plan = null)
    {
        plan ??= setup.VerifiedPlan;
        HandoverJournal.Delete(journalPath);
        var fingerprint = new Dictionary<string, string>(plan.Fingerprint())
        {
            ["teacher"] = "live:" + teacher.Board.Description.SerialNumber, ["student"] = "live:" + student.Board.Description.SerialNumber, ["algo"] = setup.Algo,
        };
        if (setup.Prime is { } prime) fingerprint["prime_lessons"] = prime.Identity;
        var keeper = setup.Boards.Keeper;
        var trainers = new List<IOnChipTrainer>();
        var studentTrainer = StudentTrainer(setup.Algo, plan, setup.StudentLearningRate, chain: student.Network.Chain is not null);
        Func<long, IOnChipTrainer> trainerFor = step =>
        {
            var trainer = studentTrainer(step);
            trainers.Add(trainer);
            return trainer;
        };
        var studentNet = student.Network;
        var studentBoard = student.Board;
        HandoverResult result;
        using (var journal = HandoverJournal.Open(journalPath, fingerprint))
        {
            var boards = new HandoverBoards(
                _ => new MappedBoard(teacher.Board, teacher.Network, keeper, ownsDevice: false),
                checkpoint =>
                {
                    if (checkpoint is null) return new MappedStudent(studentBoard, studentNet, keeper, trainerFor, ownsDevice: false);
                    studentBoard = setup.Boards.Restore(checkpoint.StudentBoard!);
                    var restored = MappedStudent.Restore(studentBoard, checkpoint.StudentHost, keeper, trainerFor);
                    studentNet = restored.Network;
                    return restored;
                });
            var watchers = new HandoverWatchers(observe is null ? null : p => observe(p, studentNet), stateChanged);
            result = Run(journal, plan, setup.Transfer, setup.Canary, boards, callReason, setup.Prime, setup.Traffic, watchers);
        }
        var work = trainers.Aggregate(new TrainingWork(default, 0), (w, t) => new TrainingWork(w.Board + t.Account.Board, w.Steps + t.Account.Steps));
        return new HandoverOutcome(result, new BoardNetwork(studentBoard, studentNet), work);
    }

    /// <summary>
    /// The one way a handover runs: through a <see cref="HandoverRun"/> on <paramref name="journal"/> (new, or resumed after a
    /// crash: what the journal holds is never asked for again), the boards opened by <paramref name="boards"/>, the lessons of the
    /// teacher's prime beside live queries when there are any. <paramref name="plan"/> should come from
    /// <see cref="LifecyclePolicy.Verified"/>, so that the student cuts over only when it matches its teacher.
    /// </summary>
    public static HandoverResult Run(IHandoverJournal journal, HandoverPlan plan, TransferSet transfer, LabelledSet canary, HandoverBoards boards,
        string callReason, PrimeLessons? prime = null, LabelledSet? traffic = null, HandoverWatchers? watchers = null)
    {
        var run = new HandoverRun(journal, plan, transfer, canary, boards.OpenTeacher, boards.OpenStudent, traffic)
        {
            CallReason = callReason,
            PrimeLessons = prime?.Batches ?? [],
        };
        if (watchers?.Progress is { } progress) run.Progress += progress;
        if (watchers?.StateChanged is { } changed) run.StateChanged += changed;
        return run.Run();
    }

    /// <summary>
    /// The student's on-chip trainer at each step of a handover: the algorithm's trainer with the soft-target loss at the plan's
    /// temperature, seeded per step from the plan's seed (a resumed handover trains on as the killed one would have).
    /// <paramref name="chain"/>: the student's network lives on an analog chain (the chain trainers and their defaults).
    /// </summary>
    public static Func<long, IOnChipTrainer> StudentTrainer(string algo, HandoverPlan plan, float? learningRate = null, UpdateMode? update = null, bool chain = false) =>
        step => OnChipTraining.Trainer(algo, OnChipTraining.Settings(algo, SeedMixer.Mix(plan.Seed, step, 0x57d), plan.Temperature, learningRate, update, chain), chain);
}

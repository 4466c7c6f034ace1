using System.Globalization;
using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Learning.Trainers;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// One handover through Mortality's <see cref="HandoverRun"/> and <see cref="HandoverJournal"/>. The teacher is
/// the serving model on its (physical) board; the student is mapped fresh on its board, or re-attached to the
/// same board from the journal's checkpoint after a crash (the board keeps its own state, see
/// <see cref="StressBoardKeeper"/>). A journal opened for a new student after the previous one died can
/// inherit that journal's teacher outputs, so what the teacher taught is not lost with the student.
/// </summary>
internal sealed class MortalityHandover : IHandoverProcess
{
    private readonly HandoverOpening _opening;
    private readonly MortalityToolkit _toolkit;
    private readonly HandoverJournal _journal;
    private readonly TransferSet _transfer;
    private MappedStudent? _student;

    private readonly PrimeLessons? _prime;

    private MortalityHandover(HandoverOpening opening, MortalityToolkit toolkit, HandoverJournal journal, TransferSet transfer, PrimeLessons? prime)
    {
        _prime = prime;
        _opening = opening;
        _toolkit = toolkit;
        _journal = journal;
        _transfer = transfer;
    }

    public static MortalityHandover Open(HandoverOpening opening, MortalityToolkit toolkit)
    {
        var plan = PlanFor(toolkit, opening);
        var transfer = new TransferSet(toolkit.Task.UnlabelledPool, toolkit.Task.Features, plan.TransferExamples, opening.Seed);
        var prime = opening.PrimeLessonsPath is { } pp && File.Exists(pp) ? PrimeLessons.Load(pp, plan) : null;
        var fingerprint = Fingerprint(plan, opening);
        if (prime is not null) fingerprint["prime_lessons"] = prime.Identity;
        var journal = HandoverJournal.Open(opening.JournalPath, fingerprint);
        try
        {
            if (opening.InheritLessonFrom is { } earlier && !journal.Resumed && journal.TeacherBatchCount == 0)
                Inherit(earlier, journal);
            var process = new MortalityHandover(opening, toolkit, journal, transfer, prime);
            var seen = journal.TeacherOutputs().ToDictionary(b => b.Batch, b => new JournaledBatch(JournalFileReader.ContentHash(b.Logits), b.Count));
            process.SeenAtOpen = new JournalView(seen, journal.LatestCheckpoint()?.TrainerStep ?? 0);
            return process;
        }
        catch
        {
            journal.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The toolkit's plan for this handover: its seed, and verification against the teacher's healthy level when the monitor knew it (raised
    /// to the lineage's best minus the lineage budget, when the policy has one).
    /// </summary>
    private static HandoverPlan PlanFor(MortalityToolkit toolkit, HandoverOpening o) =>
        toolkit.Plan with { Seed = o.Seed, VerifyReference = toolkit.Lifecycle.VerifyReference(o.TeacherHealthyCanary, o.LineageBestCanary) };

    /// <summary>What makes this handover this handover (Mortality's plan fingerprint plus the boards).</summary>
    private static Dictionary<string, string> Fingerprint(HandoverPlan plan, HandoverOpening o) => new(plan.Fingerprint())
    {
        ["handover"] = o.HandoverId,
        ["student"] = o.Student.Description.SerialNumber,
    };

    /// <summary>Copies the teacher outputs of an earlier journal (same transfer set and plan) into a fresh one.</summary>
    private static void Inherit(string earlierPath, HandoverJournal journal)
    {
        if (!File.Exists(earlierPath)) return;
        using var earlier = HandoverJournal.Open(earlierPath, JournalFileReader.Fingerprint(earlierPath));
        foreach (var b in earlier.TeacherOutputs())
            journal.AppendTeacherOutputs(b.Batch, b.FirstIndex, b.Count, b.Classes, b.Logits);
    }

    public JournalView SeenAtOpen { get; private set; } = JournalView.Empty;

    public string? EndReason { get; private set; }

    public IServingModel? Student => _student is not null && _journal.State == HandoverState.Retired ? new MappedServingModel(_student.Network) : null;

    public HandoverEnd Run()
    {
        var plan = PlanFor(_toolkit, _opening);
        var result = HandoverLifecycle.Run(_journal, plan, _transfer, _toolkit.Task.Canary, new HandoverBoards(OpenTeacher, OpenStudent),
            "the stress runner's monitor called a handover", _prime);
        EndReason = result.Reason;
        return result.State == HandoverState.Retired ? HandoverEnd.Retired : HandoverEnd.Failed;
    }

    public HandoverAccount Account()
    {
        var outputs = _journal.TeacherOutputs();
        long collected = outputs.Sum(b => (long)b.Count);
        int classes = outputs.Count > 0 ? outputs[0].Classes : _toolkit.Task.Classes;
        return new HandoverAccount(_journal.TeacherQueries(), collected, (double)collected * classes * _toolkit.Plan.QuantisationBits,
            _journal.AttemptCount, _journal.Events(HandoverRun.TeacherDiedEvent).Count > 0);
    }

    private IHandoverBoard OpenTeacher(TimeSpan? clock)
    {
        // A physical teacher keeps its own clock; the journal's reading is not needed to age it.
        if (_opening.Teacher is not MappedServingModel teacher)
            throw new DeviceFailedException($"handover {_opening.HandoverId}: the host knows the teacher board is dead");
        return new MappedBoard(teacher.Board, teacher.Network, StressBoardKeeper.Instance, ownsDevice: false);
    }

    private IStudentLearner OpenStudent(HandoverCheckpoint? checkpoint)
    {
        var device = _opening.Student;
        Func<long, IOnChipTrainer> trainerFor = step => _toolkit.Trainer(SeedMixer.Mix(_opening.Seed, step, 0x57d), _toolkit.Plan.Temperature);
        if (checkpoint is not null)
        {
            // The board kept its state through the crash; only the host's side is restored from the checkpoint.
            _student = MappedStudent.Restore(device, checkpoint.StudentHost, StressBoardKeeper.Instance, trainerFor);
            return _student;
        }
        int n = Math.Min(256, _transfer.Size);
        var sample = new float[n * _transfer.InputCount];
        _transfer.Fill(0, n, sample);
        var net = NetworkMapper.Map(device, _toolkit.Shape, new MappingOptions { Seed = _opening.Seed }, sample, n);
        _student = new MappedStudent(device, net, StressBoardKeeper.Instance, trainerFor, ownsDevice: false);
        return _student;
    }

    public void Dispose() => _journal.Dispose();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"handover {_opening.HandoverId} ({_journal.State.Name()})");
}

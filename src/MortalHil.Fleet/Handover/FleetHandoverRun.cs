using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Fleet.Boards;
using MortalHil.Fleet.Handover.Journal;
using MortalHil.Fleet.Stress;
using MortalHil.Hardware.Serial;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;
using MortalHil.Stress.Toolkit;

namespace MortalHil.Fleet.Handover;

/// <summary>
/// One handover between boards on any nodes, run by whichever silo coordinates it: the boards are driven over the fleet's
/// board link (<see cref="GrainBoardLink"/>, the board protocol carried by grain calls), and the handover is Core's one
/// journaled path (<see cref="HandoverLifecycle.Run"/>), with the stress toolkit's task, trainer and plan. The journal is kept
/// on the disk of the order's journal node and reached through it (<see cref="RemoteHandoverJournal"/>), so no folder needs to
/// be shared between machines. A coordinator that took over after another died opens the same journal and goes on from it:
/// what the journal holds is never asked of the teacher again, and the student board, which kept its state on its node, is
/// re-attached from the last checkpoint.
/// </summary>
public sealed class FleetHandoverRun
{
    private readonly HandoverOrder _order;
    private readonly IGrainFactory _grains;
    private readonly string _node;
    private readonly Action<HandoverReport> _progress;
    private readonly MortalityToolkit _toolkit;

    public FleetHandoverRun(HandoverOrder order, IGrainFactory grains, string node, Action<HandoverReport> progress)
    {
        _order = order;
        _grains = grains;
        _node = node;
        _progress = progress;
        Scenario scenario = LineageWire.Scenario(order.Scenario);
        _toolkit = new MortalityToolkit(scenario, new SyntheticTask(scenario.Task, scenario.Seeds[0]));
    }

    /// <summary>Trains the teacher from labels on its own board (through the link) and returns its network as bytes.</summary>
    public byte[] CommissionTeacher()
    {
        using var teacher = GrainBoardLink.Open(_grains, _order.TeacherBoard);
        var model = (MappedServingModel)_toolkit.TrainFromLabels(teacher, _order.Seed);
        return NetworkBytes.Save(model.Network);
    }

    /// <summary>Runs (or resumes) the handover to a final state; <paramref name="teacherNetwork"/> is the teacher's network as commissioned.</summary>
    public HandoverReport Handover(byte[] teacherNetwork)
    {
        using var student = GrainBoardLink.Open(_grains, _order.StudentBoard);
        SerialBoard? teacher = null;
        try
        {
            teacher = GrainBoardLink.Open(_grains, _order.TeacherBoard);
        }
        catch (Exception e) when (e is IOException or DeviceFailedException or TimeoutException)
        {
            // The teacher's node is gone: the handover goes on from what the journal holds, as with a dead teacher.
        }
        try
        {
            var keys = new Dictionary<string, string>(StringComparer.Ordinal) { [student.Description.SerialNumber] = _order.StudentBoard };
            if (teacher is not null) keys[teacher.Description.SerialNumber] = _order.TeacherBoard;
            var keeper = new FleetBoardKeeper(_grains, keys);
            var plan = _toolkit.Plan with { Seed = _order.Seed, Pace = _order.Pace };
            var transfer = new TransferSet(_toolkit.Task.UnlabelledPool, _toolkit.Task.Features, plan.TransferExamples, _order.Seed);
            var fingerprint = new Dictionary<string, string>(plan.Fingerprint())
            {
                ["handover"] = _order.Id, ["teacher"] = "fleet:" + _order.TeacherBoard, ["student"] = "fleet:" + _order.StudentBoard,
                // A teacher commissioned again (its network lost with a Redis that came back empty) is another teacher: its
                // journal is refused rather than continued with outputs of two different networks.
                ["teacher_network"] = Convert.ToHexStringLower(System.IO.Hashing.XxHash64.Hash(teacherNetwork)),
            };
            using var journal = RemoteHandoverJournal.Open(_grains, _order.JournalNode, _order.Id, fingerprint);
            int attempt = journal.Attempt;
            Func<long, Core.Learning.Trainers.IOnChipTrainer> trainerFor = step => _toolkit.Trainer(SeedMixer.Mix(_order.Seed, step, 0x57d), plan.Temperature);
            var boards = new HandoverBoards(
                _ => teacher is null
                    ? throw new DeviceFailedException($"teacher {_order.TeacherBoard} cannot be reached")
                    : new MappedBoard(teacher, NetworkBytes.Load(teacher, teacherNetwork), keeper, ownsDevice: false),
                checkpoint =>
                {
                    if (checkpoint is not null) return MappedStudent.Restore(student, checkpoint.StudentHost, keeper, trainerFor);
                    int n = Math.Min(256, transfer.Size);
                    var sample = new float[n * transfer.InputCount];
                    transfer.Fill(0, n, sample);
                    var net = NetworkMapper.Map(student, _toolkit.Shape, new MappingOptions { Seed = _order.Seed }, sample, n);
                    return new MappedStudent(student, net, keeper, trainerFor, ownsDevice: false);
                });
            var last = new HandoverReport(_order.Id, _node, journal.State.Name(), false, attempt, journal.TeacherOutputs().Sum(b => (long)b.Count),
                journal.LatestCheckpoint()?.TrainerStep ?? 0, null, null, "resuming", null, journal.Path);
            _progress(last);
            var watchers = new HandoverWatchers(
                p => _progress(last = last with
                {
                    State = p.State.Name(), CollectedExamples = p.CollectedExamples, StudentSteps = p.StudentSteps, StudentCanary = p.StudentCanary ?? last.StudentCanary,
                    TeacherCanary = p.TeacherCanary ?? last.TeacherCanary,
                }),
                (s, why) => _progress(last = last with { State = s.Name(), Reason = why }));
            var result = HandoverLifecycle.Run(journal, plan, transfer, _toolkit.Task.Canary, boards, "ordered through the fleet", watchers: watchers);
            return new HandoverReport(_order.Id, _node, result.State.Name(), true, attempt, result.CollectedExamples, result.StudentSteps, result.StudentCanary,
                result.TeacherCanaryLast, result.Reason, null, journal.Path);
        }
        finally
        {
            teacher?.Dispose();
        }
    }
}

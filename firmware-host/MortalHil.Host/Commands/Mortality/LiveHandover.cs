using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Sim;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// A journaled handover between boards this process holds (the demo's and the experiments'): the
/// same state machine and journal as <c>mortalhil handover</c>, with the boards passed in rather than
/// opened from specs, and both kept alive afterwards.
/// </summary>
public static class LiveHandover
{
    public sealed record Outcome(HandoverResult Result, SimulatedBoard StudentBoard, MappedNetwork StudentNetwork);

    /// <param name="teacher">The teacher board and network (kept alive; the run does not dispose it).</param>
    /// <param name="student">A fresh student board and its freshly mapped network.</param>
    /// <param name="plan">How to run the handover.</param>
    /// <param name="transfer">Unlabelled transfer inputs.</param>
    /// <param name="canary">Labelled canary set for the cut-over decision.</param>
    /// <param name="traffic">Live requests to serve, or null.</param>
    /// <param name="journalPath">Journal file; any previous file there is replaced (a live handover is not resumable across processes).</param>
    /// <param name="algo">Student trainer.</param>
    /// <param name="learningRate">Student learning rate (null: the train command's default).</param>
    /// <param name="callReason">Why the handover was called (journaled).</param>
    /// <param name="observe">Called after every round with the progress and the student's network.</param>
    /// <param name="stateChanged">Called after every journaled state change.</param>
    public static Outcome Run((SimulatedBoard Board, MappedNetwork Network) teacher, (SimulatedBoard Board, MappedNetwork Network) student,
        HandoverPlan plan, TransferSet transfer, LabelledSet canary, LabelledSet? traffic, string journalPath, string algo, float? learningRate,
        string callReason, Action<HandoverProgress, MappedNetwork>? observe = null, Action<HandoverState, string>? stateChanged = null)
    {
        HandoverJournal.Delete(journalPath);
        var fingerprint = new Dictionary<string, string>(plan.Fingerprint())
        {
            ["teacher"] = "live:" + teacher.Board.Description.SerialNumber, ["student"] = "live:" + student.Board.Description.SerialNumber, ["algo"] = algo,
        };
        Func<long, Core.Learning.Trainers.IOnChipTrainer> trainerFor = step =>
            OnChipTraining.Trainer(algo, OnChipTraining.Settings(algo, SeedMixer.Mix(plan.Seed, step, 0x57d), plan.Temperature, learningRate));
        MappedNetwork studentNet = student.Network;
        SimulatedBoard studentBoard = student.Board;
        using var journal = HandoverJournal.Open(journalPath, fingerprint);
        var run = new HandoverRun(journal, plan, transfer, canary,
            _ => new MappedBoard(teacher.Board, teacher.Network, SimBoardKeeper.Instance, ownsDevice: false),
            checkpoint =>
            {
                if (checkpoint is null)
                    return new MappedStudent(studentBoard, studentNet, SimBoardKeeper.Instance, trainerFor, ownsDevice: false);
                studentBoard = SimBoardKeeper.FromBytes(checkpoint.StudentBoard!);
                var restored = MappedStudent.Restore(studentBoard, checkpoint.StudentHost, SimBoardKeeper.Instance, trainerFor);
                studentNet = restored.Network;
                return restored;
            },
            traffic)
        {
            CallReason = callReason,
        };
        if (observe is not null) run.Progress += p => observe(p, studentNet);
        if (stateChanged is not null) run.StateChanged += stateChanged;
        var result = run.Run();
        return new Outcome(result, studentBoard, studentNet);
    }
}

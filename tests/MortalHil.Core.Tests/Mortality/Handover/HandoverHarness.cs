using MortalHil.Core.Mortality.Distillation;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Core.Tests.Mortality.Fakes;

namespace MortalHil.Core.Tests.Mortality.Handover;

/// <summary>Builds handovers between fakes on the synthetic task, each with a fresh journal in a temp directory.</summary>
internal sealed class HandoverHarness : IDisposable
{
    public readonly SyntheticTask Task = new();
    public readonly LabelledSet Canary, Traffic, Test;
    public readonly TransferSet Transfer;
    public readonly string Dir = Directory.CreateTempSubdirectory("mh-handover-").FullName;
    public string JournalPath => Path.Combine(Dir, "journal.db");
    public readonly List<FakeTeacher> Teachers = [];
    public readonly List<FakeStudent> Students = [];

    public HandoverHarness()
    {
        Canary = Task.Sample(200, 1);
        Traffic = Task.Sample(100, 2);
        Test = Task.Sample(500, 3);
        var pool = Task.Sample(400, 4);
        Transfer = new TransferSet(pool.Inputs, SyntheticTask.Inputs, 400, seed: 9, noise: 0.05f);
    }

    public HandoverPlan Plan(Func<HandoverPlan, HandoverPlan>? edit = null)
    {
        var plan = new HandoverPlan
        {
            TransferExamples = 320, QueryBatch = 32, TrainBatch = 16, StudentSteps = 200, StepsPerRound = 10,
            EvaluateEveryRounds = 4, Temperature = 2, ServeRequestsPerRound = 5, Seed = 3,
        };
        return edit is null ? plan : edit(plan);
    }

    public HandoverRun Run(HandoverJournal journal, HandoverPlan plan, long teacherDiesAfter = long.MaxValue, long studentDiesAfter = long.MaxValue) =>
        new(journal, plan, Transfer, Canary,
            clock =>
            {
                var t = new FakeTeacher(Task, teacherDiesAfter, clock);
                Teachers.Add(t);
                return t;
            },
            c =>
            {
                var s = new FakeStudent(plan.Temperature, c is null ? null : new FakeStudent.HandoverCheckpointLike(c.StudentBoard!, c.StudentHost), dieAfterSteps: studentDiesAfter);
                Students.Add(s);
                return s;
            },
            Traffic);

    public HandoverJournal Journal(HandoverPlan plan) => HandoverJournal.Open(JournalPath, plan.Fingerprint());

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

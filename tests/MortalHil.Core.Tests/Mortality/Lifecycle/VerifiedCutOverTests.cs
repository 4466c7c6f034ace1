using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Core.Tests.Mortality.Fakes;
using MortalHil.Core.Tests.Mortality.Handover;

namespace MortalHil.Core.Tests.Mortality.Lifecycle;

public class VerifiedCutOverTests
{
    [Fact]
    public void A_student_that_matches_its_teacher_cuts_over_verified_within_the_budget()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan(p => p with { VerifyWithin = 0.05, ExtraStudentSteps = 200 });
        using var journal = h.Journal(plan);
        var r = h.Run(journal, plan).Run();
        Assert.Equal(HandoverState.Retired, r.State);
        Assert.Contains("verified", r.Reason);
        Assert.True(r.StudentCanary >= r.TeacherCanaryLast - 0.05, $"student {r.StudentCanary} vs teacher {r.TeacherCanaryLast}");
    }

    [Fact]
    public void A_student_that_cannot_reach_its_teacher_keeps_distilling_to_its_extended_budget_then_fails_with_the_cause()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan(p => p with { VerifyWithin = 0.01, ExtraStudentSteps = 100 });
        using var journal = h.Journal(plan);
        // A student whose learning rate is zero never moves from its untrained weights.
        var run = new HandoverRun(journal, plan, h.Transfer, h.Canary, clock => new FakeTeacher(h.Task, clock: clock),
            c => new FakeStudent(plan.Temperature, c is null ? null : new FakeStudent.HandoverCheckpointLike(c.StudentBoard!, c.StudentHost), rate: 0f), h.Traffic);
        var r = run.Run();
        Assert.Equal(HandoverState.Failed, r.State);
        Assert.Contains("did not reach the teacher within the knowledge budget", r.Reason);
        Assert.Equal(plan.StudentSteps + plan.ExtraStudentSteps, r.StudentSteps);
        Assert.DoesNotContain(r.Transitions, t => t.To == HandoverState.CutOver);
    }

    [Fact]
    public void Without_verification_the_same_student_is_cut_over_when_its_budget_is_spent()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        var run = new HandoverRun(journal, plan, h.Transfer, h.Canary, clock => new FakeTeacher(h.Task, clock: clock),
            c => new FakeStudent(plan.Temperature, c is null ? null : new FakeStudent.HandoverCheckpointLike(c.StudentBoard!, c.StudentHost), rate: 0f), h.Traffic);
        Assert.Equal(HandoverState.Retired, run.Run().State);
    }

    [Fact]
    public void A_verified_handover_killed_mid_distillation_resumes_with_the_teachers_best_reading_and_loses_no_output()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan(p => p with { VerifyWithin = 0.05, ExtraStudentSteps = 200 });
        int batchesBefore;
        using (var journal = h.Journal(plan))
        {
            var run = h.Run(journal, plan);
            using var cancel = new CancellationTokenSource();
            run.Progress += p => { if (p.Round == 6) cancel.Cancel(); };
            Assert.Throws<OperationCanceledException>(() => run.Run(cancel.Token));
            batchesBefore = journal.TeacherBatchCount;
        }
        Assert.True(batchesBefore > 0);
        using (var journal = h.Journal(plan))
        {
            var outputsBefore = journal.TeacherOutputs().ToDictionary(b => b.Batch, b => b.Logits);
            var r = h.Run(journal, plan).Run();
            Assert.Equal(HandoverState.Retired, r.State);
            Assert.True(r.Resumed);
            foreach (var b in journal.TeacherOutputs().Where(b => outputsBefore.ContainsKey(b.Batch)))
                Assert.Equal(outputsBefore[b.Batch], b.Logits);
            Assert.Equal(plan.TransferBatches, journal.TeacherBatchCount);
        }
    }
}

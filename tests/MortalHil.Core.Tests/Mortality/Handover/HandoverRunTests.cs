using MortalHil.Core.Mortality.Handover;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Tests.Mortality.Handover;

public class HandoverRunTests
{
    [Fact]
    public void A_handover_moves_through_every_state_in_order_and_the_student_learns_without_labels()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        var seen = new List<HandoverState>();
        HandoverResult result;
        using (var journal = h.Journal(plan))
        {
            var run = h.Run(journal, plan);
            run.StateChanged += (s, _) => seen.Add(s);
            result = run.Run();
        }
        Assert.Equal([HandoverState.Distilling, HandoverState.CutOver, HandoverState.Retired], seen);
        Assert.Equal(HandoverState.Retired, result.State);
        Assert.False(result.Resumed);
        Assert.False(result.TeacherDied);
        Assert.True(result.StudentCanary >= 0.9, $"student canary {result.StudentCanary}");
        Assert.True(ClassifierEvaluation.Accuracy(h.Students[^1].Model, h.Test) >= 0.9);
        Assert.True(result.ServedByTeacher > 0);
        Assert.True(result.ServedByStudent > 0); // after the cut-over
    }

    [Fact]
    public void Every_teacher_query_is_counted_and_matches_what_the_teacher_answered()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        var result = h.Run(journal, plan).Run();
        long answered = h.Teachers.Sum(t => t.Queries);
        long served = result.ServedByTeacher;
        Assert.Equal(answered, result.TeacherQueries + served);
        Assert.Equal(result.CollectedExamples, result.TeacherTransferQueries);
        Assert.Equal(0, result.TeacherCanaryQueries % h.Canary.Count);
    }

    [Fact]
    public void A_teacher_dying_mid_handover_still_yields_a_student_from_what_was_collected()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        // Dies during the 4th transfer batch (the canary check took 200 queries first, serving 5 per round).
        var result = h.Run(journal, plan, teacherDiesAfter: 200 + 5 + 3 * (32 + 5) + 10).Run();
        Assert.True(result.TeacherDied);
        Assert.Equal(HandoverState.Retired, result.State);
        Assert.Equal(3 * 32, result.CollectedExamples);
        Assert.Equal(plan.StudentSteps, result.StudentSteps);
        Assert.Contains("teacher died", result.Reason);
        Assert.True(ClassifierEvaluation.Accuracy(h.Students[^1].Model, h.Test) >= 0.8);
        Assert.Single(journal.Events(HandoverRun.TeacherDiedEvent));
    }

    [Fact]
    public void A_teacher_dead_before_teaching_anything_fails_the_handover()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        var result = h.Run(journal, plan, teacherDiesAfter: 0).Run();
        Assert.Equal(HandoverState.Failed, result.State);
        Assert.Equal(0, result.CollectedExamples);
    }

    [Fact]
    public void A_student_dying_fails_the_handover_and_the_journal_says_why()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        var result = h.Run(journal, plan, studentDiesAfter: 50).Run();
        Assert.Equal(HandoverState.Failed, result.State);
        Assert.Contains("student board", result.Reason);
    }

    [Fact]
    public void A_crash_mid_handover_resumes_without_asking_the_teacher_again_for_journaled_outputs()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        IReadOnlyList<TeacherBatch> before;
        using (var journal = h.Journal(plan))
        {
            var run = h.Run(journal, plan);
            run.Progress += p => { if (p.Round == 6) throw new SimulatedCrash(); };
            Assert.Throws<SimulatedCrash>(() => run.Run());
            before = journal.TeacherOutputs();
        }
        Assert.Equal(6, before.Count);

        HandoverResult result;
        using (var journal = h.Journal(plan))
        {
            result = h.Run(journal, plan).Run();
            var after = journal.TeacherOutputs();
            foreach (var b in before)
            {
                var same = after.Single(a => a.Batch == b.Batch);
                Assert.Equal(b.Logits, same.Logits);
                Assert.Equal(1, same.Attempt);
            }
        }
        Assert.True(result.Resumed);
        Assert.Equal(2, result.Attempts);
        Assert.Equal(HandoverState.Retired, result.State);
        // Each transfer example asked once, over both attempts.
        Assert.Equal(plan.TransferExamples, result.TeacherTransferQueries);
        Assert.Equal(plan.TransferExamples, result.CollectedExamples);
        // The resumed teacher was aged to its journaled clock (4 rounds of a minute before the round-4 checkpoint), not reborn.
        Assert.True(h.Teachers[1].Clock >= TimeSpan.FromMinutes(4), $"teacher reopened at {h.Teachers[1].Clock}");
    }

    [Fact]
    public void The_resumed_student_continues_from_its_checkpoint_not_from_scratch()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        long stepAtCheckpoint;
        using (var journal = h.Journal(plan))
        {
            var run = h.Run(journal, plan);
            run.Progress += p => { if (p.Round == 9) throw new SimulatedCrash(); };
            Assert.Throws<SimulatedCrash>(() => run.Run());
            stepAtCheckpoint = journal.LatestCheckpoint()!.TrainerStep;
        }
        Assert.Equal(80, stepAtCheckpoint); // checkpoints at rounds 4 and 8, 10 steps a round
        using (var journal = h.Journal(plan))
        {
            var run = h.Run(journal, plan);
            long firstStep = -1;
            run.Progress += p => { if (firstStep < 0) firstStep = p.StudentSteps; };
            run.Run();
            Assert.Equal(stepAtCheckpoint + plan.StepsPerRound, firstStep);
        }
    }

    [Fact]
    public void A_finished_handover_reopened_reports_the_same_result_and_touches_no_board()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        HandoverResult first;
        using (var journal = h.Journal(plan)) first = h.Run(journal, plan).Run();
        int teachers = h.Teachers.Count, students = h.Students.Count;
        HandoverResult again;
        using (var journal = h.Journal(plan)) again = h.Run(journal, plan).Run();
        Assert.Equal(teachers, h.Teachers.Count);
        Assert.Equal(students, h.Students.Count);
        Assert.True(again.Resumed);
        Assert.Equal(first.TeacherQueries, again.TeacherQueries);
        Assert.Equal(first.StudentCanary, again.StudentCanary);
    }

    [Fact]
    public void Hard_labels_carry_at_most_log2_classes_bits_while_soft_targets_carry_more()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        var r = h.Run(journal, plan).Run();
        Assert.Equal(4 * 8, r.PayloadBitsPerExample);
        Assert.InRange(r.LabelBitsPerExample, 1.5, 2.0); // 4 classes
        Assert.True(r.InformationBitsPerExample > 2 * r.LabelBitsPerExample, $"soft {r.InformationBitsPerExample} vs label {r.LabelBitsPerExample}");
    }

    [Fact]
    public void The_boards_are_disposed_when_the_run_ends()
    {
        using var h = new HandoverHarness();
        var plan = h.Plan();
        using var journal = h.Journal(plan);
        h.Run(journal, plan).Run();
        Assert.All(h.Teachers, t => Assert.True(t.Disposed));
        Assert.All(h.Students, s => Assert.True(s.Disposed));
    }

    private sealed class SimulatedCrash : Exception;
}

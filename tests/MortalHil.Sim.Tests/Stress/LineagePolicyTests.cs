using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Sim.Tests.Stress;

/// <summary>The stress runner's lineage policies: a failed verification's next try at once, apprentice mode.</summary>
public class LineagePolicyTests
{
    private static StressOutcome Run(Scenario scenario)
    {
        var dir = Directory.CreateTempSubdirectory("mortalhil-lineage-policy-");
        try
        {
            return StressSession.Run(scenario, null, dir.FullName, new StressOptions(2, Plots: false));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The tiny every-fault scenario with a knowledge budget no student reaches in its budget: every handover fails verification.</summary>
    private static Scenario Unreachable(bool retryAtOnce)
    {
        var s = StressScenarios.Parse(StressScenarios.TinyEveryFault);
        return s with
        {
            FleetSize = 2,
            Policy = s.Policy with { KnowledgeBudget = 0.001, HandoverTries = 3, RetryAtOnce = retryAtOnce, PreventiveAgeYears = 0.5, ExtraStudentBudget = 0 },
        };
    }

    [Fact]
    public void After_a_failed_verification_the_next_student_is_asked_for_at_once_with_retry_at_once_and_at_the_next_call_without()
    {
        static List<(HandoverRecord Failed, HandoverRecord Next)> Retries(StressOutcome o) =>
            o.Run.Seeds.SelectMany(s => s.Lineages).SelectMany(l => l.Handovers.Zip(l.Handovers.Skip(1)))
                .Where(p => p.First.FailureCause?.EndsWith("the teacher serves on", StringComparison.Ordinal) == true && p.Second.FromGeneration == p.First.FromGeneration)
                .ToList();

        var atOnce = Retries(Run(Unreachable(retryAtOnce: true)));
        Assert.NotEmpty(atOnce);
        Assert.All(atOnce, p =>
        {
            Assert.Equal(p.Failed.EndedSeconds!.Value, p.Next.RequestedSeconds, 6);
            Assert.StartsWith("retry after a failed verification: ", p.Next.Reason);
        });
        var later = Retries(Run(Unreachable(retryAtOnce: false)));
        Assert.NotEmpty(later);
        Assert.All(later, p => Assert.True(p.Next.RequestedSeconds > p.Failed.EndedSeconds!.Value, "without retry_at_once the next try waits for a call"));
    }

    [Fact]
    public void Apprentices_are_distilled_while_their_teacher_serves_counted_apart_from_handovers_and_lose_nothing_journaled()
    {
        var s = StressScenarios.Parse(StressScenarios.TinyEveryFault);
        var outcome = Run(s with { Policy = s.Policy with { Apprentice = true } });
        var m = outcome.Report.Metrics.Total;
        var lineages = outcome.Run.Seeds.SelectMany(x => x.Lineages).ToList();

        Assert.True(m.Apprentices.Started > 0, "no apprentice was distilled");
        Assert.Equal(lineages.Sum(l => l.Apprentices.Count), m.Apprentices.Started);
        Assert.True(m.Apprentices.SparesUsed > 0 && m.Apprentices.StudentPulses > 0, "an apprentice's distillation cost nothing");
        // Every promotion is a completed handover of its own, with no distillation at the call.
        int promoted = lineages.Sum(l => l.Handovers.Count(h => h.Promotion));
        Assert.Equal(m.Apprentices.PromotedAtCall + lineages.Sum(l => l.Handovers.Count(h => h.Promotion && h.Reason.Contains("died"))), promoted);
        Assert.All(lineages.SelectMany(l => l.Handovers).Where(h => h.Promotion), h => Assert.Equal(HandoverOutcome.Completed, h.Outcome));
        // Apprentices are not handovers: the handover counts are the handover records alone.
        Assert.Equal(lineages.Sum(l => l.Handovers.Count), m.Handovers.Started);
        // The same faults hit apprentices, and nothing journaled is lost; every unsuccessful distillation says why.
        Assert.Equal(0, m.JournaledOutputsLost);
        Assert.Equal(0, m.PulsesAppliedTwice);
        Assert.DoesNotContain("(none stated)", m.UnsuccessfulHandoverCauses.Keys);
        Assert.DoesNotContain("(none stated)", m.UnsuccessfulApprenticeCauses.Keys);
        Assert.All(lineages.SelectMany(l => l.Apprentices).Where(h => h.Outcome != HandoverOutcome.Completed), h => Assert.False(string.IsNullOrWhiteSpace(h.FailureCause)));
    }
}

using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Core.Tests.Mortality.Prediction;

namespace MortalHil.Core.Tests.Mortality.Lifecycle;

public class KnowledgeBudgetPolicyTests
{
    private static readonly TimeSpan Handover = TimeSpan.FromHours(20);

    /// <summary>Canary accuracy falling steadily from 0.95 by <paramref name="pointsPer100Hours"/> points per 100 h.</summary>
    private static Func<double, double> Decline(double pointsPer100Hours) => h => 0.95 - pointsPer100Hours / 100 * h / 100;

    /// <summary>Board time of the first handover call of the lifecycle policy on a series sampled every 2 h with reading noise <paramref name="noise"/>.</summary>
    private static double? FirstCall(LifecyclePolicy policy, Func<double, double> signal, int seed, double noise = 0.001, double untilHours = 2000,
        double? lineageBest = null)
    {
        var indicators = policy.Indicators(0.95, probe: false, lineageBest);
        var handoverPolicy = policy.HandoverPolicy(Handover);
        var predictor = new RemainingLifePredictor();
        var seen = new List<TimedValue>();
        foreach (var s in ScriptedDegradation.Sample(signal, 2, untilHours, ScriptedDegradation.Noise(seed, noise)))
        {
            seen.Add(s);
            var e = predictor.Predict(seen, indicators[0]);
            if (e is not null && handoverPolicy.Decide([e]).CallHandover) return s.Time.TotalHours;
        }
        return null;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void A_steeper_decline_is_called_earlier_and_each_call_leaves_time_to_finish_within_the_budget(int seed)
    {
        var policy = new LifecyclePolicy { KnowledgeBudget = 0.01, Margin = TimeSpan.FromHours(5) };
        double? gentle = FirstCall(policy, Decline(0.5), seed), steep = FirstCall(policy, Decline(2), seed);
        Assert.NotNull(gentle);
        Assert.NotNull(steep);
        Assert.True(steep < gentle, $"steep decline called at {steep} h, gentle at {gentle} h");
        // The budget (0.95 - 0.01) is spent at 200 h on the gentle decline, at 50 h on the steep one: each call comes before,
        // the gentle one with the handover's time to spare.
        Assert.True(gentle <= 200 - Handover.TotalHours, $"gentle decline called at {gentle} h");
        Assert.True(steep <= 50, $"steep decline called at {steep} h");
    }

    [Fact]
    public void A_wider_knowledge_budget_calls_later_on_the_same_decline()
    {
        double? tight = FirstCall(new LifecyclePolicy { KnowledgeBudget = 0.01, Margin = TimeSpan.FromHours(5) }, Decline(0.5), 4);
        double? loose = FirstCall(new LifecyclePolicy { KnowledgeBudget = 0.05, Margin = TimeSpan.FromHours(5) }, Decline(0.5), 4);
        Assert.True(tight < loose, $"1-point budget called at {tight} h, 5-point budget at {loose} h");
    }

    [Theory]
    [InlineData(5, 0.0)]
    [InlineData(6, 0.0)]
    [InlineData(7, 0.5)]
    [InlineData(8, 2.0)]
    public void Bounding_the_canarys_level_is_never_more_pessimistic_than_bounding_one_more_reading(int seed, double pointsPer100Hours)
    {
        // Readings that scatter by half a point (a 256-image canary) around a flat or falling level, 15 checks.
        var series = ScriptedDegradation.Sample(Decline(pointsPer100Hours), 2, 30, ScriptedDegradation.Noise(seed, 0.005));
        var level = new LifecyclePolicy { KnowledgeBudget = 0.01 }.Indicators(0.95, probe: false)[0];
        Assert.True(level.Level);
        var predictor = new RemainingLifePredictor();
        var byLevel = predictor.Predict(series, level)!;
        var byReading = predictor.Predict(series, level with { Level = false })!;
        Assert.True((byLevel.Lower ?? TimeSpan.MaxValue) >= (byReading.Lower ?? TimeSpan.MaxValue),
            $"pessimistic life {byLevel.Lower} by the level, {byReading.Lower} by one reading");
        Assert.Equal(byReading.Median, byLevel.Median); // the same fit: only the interval differs
    }

    [Fact]
    public void Judged_by_its_level_a_real_decline_within_the_noise_is_still_called_before_the_budget_is_spent()
    {
        var policy = new LifecyclePolicy { KnowledgeBudget = 0.01, Margin = TimeSpan.FromHours(5) };
        double? call = FirstCall(policy, Decline(0.5), 8, noise: 0.005);
        Assert.NotNull(call);
        Assert.True(call <= 200, $"the budget is spent at 200 h, called at {call} h");
    }

    [Fact]
    public void A_board_below_its_lineages_best_is_called_earlier_under_a_lineage_budget_and_not_at_all_without_one_in_its_lineage()
    {
        var plain = new LifecyclePolicy { KnowledgeBudget = 0.01, Margin = TimeSpan.FromHours(5) };
        var lineage = plain with { LineageBudget = 0.02 };
        // The board's own healthy level is 0.95; its lineage once reached 0.975, so the lineage floor 0.955 is already above it.
        Assert.Equal(0.94, plain.FailureLevel(0.95, 0.975), 9);
        Assert.Equal(0.955, lineage.FailureLevel(0.95, 0.975), 9);
        Assert.Equal(0.94, lineage.FailureLevel(0.95, null), 9); // no lineage known: the knowledge budget alone
        double? alone = FirstCall(plain, Decline(0.5), 9, lineageBest: 0.975);
        double? judged = FirstCall(lineage, Decline(0.5), 9, lineageBest: 0.975);
        Assert.NotNull(alone);
        Assert.NotNull(judged);
        Assert.True(judged < alone, $"with the lineage budget called at {judged} h, without at {alone} h");
    }

    [Theory]
    [InlineData(0.95, 0.96, 0.95)]   // the lineage floor (0.96 - 0.02 + 0.01 = 0.95) is not above the teacher: the teacher's level
    [InlineData(0.93, 0.98, 0.97)]   // a teacher 5 points under its lineage's best: the student must reach the floor
    public void A_student_is_verified_against_its_teacher_or_its_lineages_floor_whichever_is_higher(double teacher, double lineageBest, double expected)
    {
        var policy = new LifecyclePolicy { KnowledgeBudget = 0.01, LineageBudget = 0.02 };
        Assert.Equal(expected, policy.VerifyReference(teacher, lineageBest)!.Value, 9);
        Assert.Equal(teacher, new LifecyclePolicy { KnowledgeBudget = 0.01 }.VerifyReference(teacher, lineageBest));
        Assert.Null(new LifecyclePolicy().VerifyReference(null, null));
    }

    [Fact]
    public void The_policy_refuses_a_budget_outside_zero_to_one()
    {
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { KnowledgeBudget = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { KnowledgeBudget = 1.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { ExtraStudentBudget = -1 }.Validate());
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { LineageBudget = 0 }.Validate());
    }
}

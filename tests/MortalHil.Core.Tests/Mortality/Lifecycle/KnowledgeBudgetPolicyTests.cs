using MortalHil.Core.Mortality.Lifecycle;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Core.Tests.Mortality.Prediction;

namespace MortalHil.Core.Tests.Mortality.Lifecycle;

public class KnowledgeBudgetPolicyTests
{
    private static readonly TimeSpan Handover = TimeSpan.FromHours(20);

    /// <summary>Canary accuracy falling steadily from 0.95 by <paramref name="pointsPer100Hours"/> points per 100 h.</summary>
    private static Func<double, double> Decline(double pointsPer100Hours) => h => 0.95 - pointsPer100Hours / 100 * h / 100;

    /// <summary>Board time of the first handover call of the lifecycle policy on a series sampled every 5 h.</summary>
    private static double? FirstCall(LifecyclePolicy policy, Func<double, double> signal, int seed)
    {
        var indicators = policy.Indicators(0.95, probe: false);
        var handoverPolicy = policy.HandoverPolicy(Handover);
        var predictor = new RemainingLifePredictor();
        var seen = new List<TimedValue>();
        foreach (var s in ScriptedDegradation.Sample(signal, 2, 2000, ScriptedDegradation.Noise(seed, 0.001)))
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

    [Fact]
    public void The_policy_refuses_a_budget_outside_zero_to_one()
    {
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { KnowledgeBudget = 0 }.Validate());
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { KnowledgeBudget = 1.5 }.Validate());
        Assert.Throws<ArgumentException>(() => new LifecyclePolicy { ExtraStudentBudget = -1 }.Validate());
    }
}

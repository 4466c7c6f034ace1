using MortalHil.Core.Mortality.Prediction;

namespace MortalHil.Core.Tests.Mortality.Prediction;

public class RemainingLifePredictorTests
{
    private static readonly HealthIndicator Accuracy = new("canary_accuracy", AgeingDirection.Falling, FailureThreshold: 0.80);
    private static readonly HandoverPolicy Policy = new(TimeSpan.FromHours(20), TimeSpan.FromHours(10));

    /// <summary>Feeds the series one sample at a time and returns the board time of the first handover call.</summary>
    private static double? FirstCall(IReadOnlyList<TimedValue> series, RemainingLifePredictor predictor, HealthIndicator indicator)
    {
        var seen = new List<TimedValue>();
        foreach (var s in series)
        {
            seen.Add(s);
            var e = predictor.Predict(seen, indicator);
            if (e is not null && Policy.Decide([e]).CallHandover) return s.Time.TotalHours;
        }
        return null;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void On_a_scripted_wear_out_the_handover_is_called_early_enough_to_finish_before_death(int seed)
    {
        var series = ScriptedDegradation.Sample(ScriptedDegradation.WearOutAccuracy, 5, ScriptedDegradation.WearOutDeathHours,
            ScriptedDegradation.Noise(seed, 0.005));
        var call = FirstCall(series, new RemainingLifePredictor(), Accuracy);
        Assert.NotNull(call);
        // Called with at least the handover's duration left before death...
        Assert.True(call!.Value <= ScriptedDegradation.WearOutDeathHours - Policy.HandoverDuration.TotalHours, $"called at {call} h, death at {ScriptedDegradation.WearOutDeathHours:F0} h");
        // ...and not in the long healthy stretch, where it would waste the board.
        Assert.True(call.Value >= 150, $"called at {call} h, while the board was still healthy");
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void On_a_healthy_flat_series_the_handover_is_never_called(int seed)
    {
        var series = ScriptedDegradation.Sample(_ => 0.95, 5, 500, ScriptedDegradation.Noise(seed, 0.01));
        Assert.Null(FirstCall(series, new RemainingLifePredictor(), Accuracy));
    }

    [Fact]
    public void A_rising_indicator_is_predicted_to_cross_its_threshold_when_the_line_says()
    {
        // Stuck fraction rising 0.001 per hour from 0.01: reaches 0.1 at 90 h.
        var stuck = new HealthIndicator("stuck_fraction", AgeingDirection.Rising, 0.10);
        var series = ScriptedDegradation.Sample(t => 0.01 + 0.001 * t, 2, 40, ScriptedDegradation.Noise(7, 0.0005));
        var e = new RemainingLifePredictor().Predict(series, stuck)!;
        Assert.InRange(e.Median!.Value.TotalHours, 50 - 3, 50 + 3);
        Assert.True(e.Lower < e.Median && e.Median < e.Upper);
    }

    [Fact]
    public void The_prediction_interval_covers_about_its_confidence_of_new_observations()
    {
        var indicator = new HealthIndicator("x", AgeingDirection.Rising, 10);
        var noise = ScriptedDegradation.Noise(99, 0.1);
        int covered = 0, trials = 400;
        for (int trial = 0; trial < trials; trial++)
        {
            var series = ScriptedDegradation.Sample(t => 1 + 0.02 * t, 1, 29, noise);
            var fit = WeightedTrendFitter.Fit(series, indicator, TrendModel.Linear)!;
            double fresh = 1 + 0.02 * 35 + noise();
            var (worse, better) = fit.PredictionInterval(35, 0.9);
            if (fresh >= better && fresh <= worse) covered++;
        }
        Assert.InRange(covered / (double)trials, 0.85, 0.95);
    }

    [Fact]
    public void A_signal_already_past_its_threshold_has_no_life_left()
    {
        var series = ScriptedDegradation.Sample(t => 0.9 - 0.01 * t, 1, 12, ScriptedDegradation.Noise(3, 0.001));
        var e = new RemainingLifePredictor().Predict(series, Accuracy)!;
        Assert.Equal(TimeSpan.Zero, e.Lower);
        Assert.True(Policy.Decide([e]).CallHandover);
    }

    [Fact]
    public void One_noisy_sample_past_the_threshold_does_not_end_a_healthy_life()
    {
        var series = ScriptedDegradation.Sample(_ => 0.90, 24, 24 * 20, ScriptedDegradation.Noise(5, 0.002));
        series[^1] = series[^1] with { Value = 0.79 }; // one bad canary check
        var e = new RemainingLifePredictor().Predict(series, Accuracy)!;
        Assert.True(e.Lower > TimeSpan.FromHours(1), $"pessimistic life {e.Lower}");
        // Two more checks past the threshold, and the board is failed.
        series.Add(new TimedValue(series[^1].Time + TimeSpan.FromHours(24), 0.78));
        series.Add(new TimedValue(series[^1].Time + TimeSpan.FromHours(24), 0.785));
        Assert.Equal(TimeSpan.Zero, new RemainingLifePredictor().Predict(series, Accuracy)!.Lower);
    }

    [Fact]
    public void Too_few_samples_give_no_estimate_and_no_call()
    {
        var series = ScriptedDegradation.Sample(t => 0.95 - 0.01 * t, 1, 6, () => 0);
        Assert.Null(new RemainingLifePredictor().Predict(series, Accuracy));
        Assert.False(Policy.Decide([]).CallHandover);
    }

    [Fact]
    public void The_exponential_model_is_chosen_for_accelerating_wear()
    {
        var series = ScriptedDegradation.Sample(ScriptedDegradation.WearOutAccuracy, 5, 290, ScriptedDegradation.Noise(4, 0.001));
        var fit = new RemainingLifePredictor().BestFit(series, Accuracy)!;
        Assert.Equal(TrendModel.Exponential, fit.Model);
    }
}

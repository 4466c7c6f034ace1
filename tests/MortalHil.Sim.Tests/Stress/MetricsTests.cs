using MortalHil.Stress.Fleet;
using MortalHil.Stress.Metrics;

namespace MortalHil.Sim.Tests.Stress;

public class MetricsTests
{
    private static LineageResult Lineage(double span, params (double T, double Accuracy)[] service)
    {
        var l = new LineageResult { Lineage = 0, SpanSeconds = span };
        l.Service.AddRange(service);
        l.Generations.Add(new GenerationRecord(0, "b0", "reram", BoardOrigin.TrainedFromLabels, 0, 0.9, null, null));
        return l;
    }

    [Fact]
    public void Availability_counts_only_time_served_at_95_percent_of_the_lineage_best()
    {
        // Best 0.9 -> threshold 0.855. [0,40) at 0.9 counts, [40,70) at 0.8 serves but does not, [70,100) nothing serves.
        var l = Lineage(100, (0, 0.9), (40, 0.8), (70, double.NaN));
        var (available, serving) = MetricsCalculator.Integrate(l);
        Assert.Equal(40, available, 9);
        Assert.Equal(70, serving, 9);
        var m = MetricsCalculator.Compute([l], 100 / BoardFactory.SecondsPerYear, points: 10);
        Assert.Equal(0.4, m.ServiceAvailability, 9);
        Assert.Equal(0.7, m.ServingShare, 9);
    }

    [Fact]
    public void Knowledge_retained_is_the_distilled_accuracy_over_generation_zero()
    {
        var l = Lineage(10, (0, 0.9));
        l.Generations.Add(new GenerationRecord(1, "b1", "reram", BoardOrigin.Distilled, 5, 0.81, null, null));
        l.Handovers.Add(new HandoverRecord { FromGeneration = 0, RequestedSeconds = 4, Reason = "test", TeacherAccuracy = 0.85, Outcome = HandoverOutcome.Completed, StartedSeconds = 4, EndedSeconds = 5 });
        var g = MetricsCalculator.Compute([l], 1).KnowledgeRetainedPerGeneration;
        Assert.Equal(2, g.Count);
        Assert.Equal(0.9, g[1].RetainedVsFirst.Mean, 9);
        Assert.Equal(0.81 / 0.85, g[1].RetainedVsTeacher.Mean, 9);
        Assert.Equal(1, g[1].Distilled);
    }
}

using System.Text.Json;
using MortalHil.Fleet.Stress;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Reporting;

namespace MortalHil.Fleet.Tests;

/// <summary>What crosses the network for a lineage comes back exactly as it left.</summary>
public sealed class LineageWireTests
{
    [Fact]
    public void A_scenario_and_a_lineage_result_round_trip_bit_for_bit()
    {
        var scenario = TestScenarios.Small(2);
        var back = LineageWire.Scenario(LineageWire.Scenario(scenario));
        Assert.Equal(JsonSerializer.Serialize(scenario, LineageWire.Options), JsonSerializer.Serialize(back, LineageWire.Options));

        string work = Directory.CreateTempSubdirectory("mortalhil-wire-").FullName;
        try
        {
            var run = StressSession.Run(scenario, null, work, new StressOptions(Plots: false, Threads: 1));
            foreach (var lineage in run.Run.Seeds[0].Lineages)
            {
                var copy = LineageWire.Result(LineageWire.Result(lineage));
                Assert.Equal(LineageWire.Result(lineage), LineageWire.Result(copy));
                Assert.Equal(lineage.Service, copy.Service);
                Assert.Equal(lineage.BestAccuracy, copy.BestAccuracy);
            }
            var job = new LineageJob(0, 1, new Dictionary<int, (double, double)> { [0] = (1.5, double.PositiveInfinity) });
            var jobBack = LineageWire.Job(LineageWire.Job(job));
            Assert.Equal(job.Deliveries, jobBack.Deliveries);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}

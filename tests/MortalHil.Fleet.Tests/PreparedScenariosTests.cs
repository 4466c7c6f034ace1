using MortalHil.Fleet.Stress;
using MortalHil.Stress.Fleet;

namespace MortalHil.Fleet.Tests;

/// <summary>A node keeps the scenarios it used last, a bounded number, and says when it does not hold one.</summary>
public sealed class PreparedScenariosTests
{
    [Fact]
    public void A_node_holds_its_most_recently_used_scenarios_and_drops_the_oldest_beyond_its_capacity()
    {
        var scenario = TestScenarios.Small(2);
        int prepared = 0;
        PreparedScenario Prepare() { Interlocked.Increment(ref prepared); return PreparedScenario.Of(scenario, StressToolkits.Default); }
        var held = new PreparedScenarios(capacity: 2);

        Assert.Null(held.Find(1));
        var first = held.GetOrAdd(1, Prepare);
        Assert.Same(first, held.GetOrAdd(1, Prepare)); // parsed once per hash
        Assert.Same(first, held.Find(1));
        Assert.Equal(1, prepared);

        held.GetOrAdd(2, Prepare);
        Assert.NotNull(held.Find(1)); // 1 is now the most recently used
        held.GetOrAdd(3, Prepare);     // drops 2, the least recently used
        Assert.Equal([3UL, 1UL], held.Held());
        Assert.Null(held.Find(2));
        Assert.Equal(3, prepared);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PreparedScenarios(capacity: 0));
    }

    [Fact]
    public void The_scenario_hash_names_the_scenario_json()
    {
        var a = LineageWire.Scenario(TestScenarios.Small(2));
        var b = LineageWire.Scenario(TestScenarios.Small(3));
        Assert.Equal(LineageWire.Hash(a), LineageWire.Hash(LineageWire.Scenario(LineageWire.Scenario(a))));
        Assert.NotEqual(LineageWire.Hash(a), LineageWire.Hash(b));
    }

    [Fact]
    public void Lineage_slots_are_at_least_one()
    {
        Assert.Equal(Environment.ProcessorCount, LineageSlots.Default.Count);
        Assert.Equal(3, new LineageSlots(3).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineageSlots(0));
    }
}

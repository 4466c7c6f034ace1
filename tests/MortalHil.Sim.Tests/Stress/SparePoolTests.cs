using MortalHil.Stress.Fleet;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Sim.Tests.Stress;

public class SparePoolTests
{
    private const double Day = 86400;

    [Fact]
    public void An_unlimited_pool_delivers_every_spare_after_the_provisioning_delay()
    {
        var spec = new SparePoolSpec(null, 48, null, 0);
        var d = SparePool.Deliver(spec, 1e9, [new SpareRequest(0, 0, 10), new SpareRequest(1, 0, 10)]);
        Assert.Equal(10 + 48 * 3600, d[(0, 0)]);
        Assert.Equal(10 + 48 * 3600, d[(1, 0)]);
    }

    [Fact]
    public void When_the_shelf_is_empty_the_next_request_waits_for_the_restock()
    {
        var spec = new SparePoolSpec(2, 24, 100, 1);
        var d = SparePool.Deliver(spec, 1e9,
        [
            new SpareRequest(2, 0, 30 * Day), new SpareRequest(0, 0, 10 * Day), new SpareRequest(1, 0, 20 * Day), new SpareRequest(1, 1, 40 * Day),
        ]);
        Assert.Equal(10 * Day + 24 * 3600, d[(0, 0)]);
        Assert.Equal(20 * Day + 24 * 3600, d[(1, 0)]);
        Assert.Equal(100 * Day + 24 * 3600, d[(2, 0)]); // third board: the first restock
        Assert.Equal(200 * Day + 24 * 3600, d[(1, 1)]); // fourth: the second restock
    }

    [Fact]
    public void Simultaneous_requests_are_served_in_lineage_order_and_a_pool_that_runs_dry_never_delivers()
    {
        var spec = new SparePoolSpec(1, 0, null, 0);
        var d = SparePool.Deliver(spec, 1e9, [new SpareRequest(5, 0, 7), new SpareRequest(3, 0, 7)]);
        Assert.Equal(7, d[(3, 0)]);
        Assert.True(double.IsPositiveInfinity(d[(5, 0)]));
    }

    [Fact]
    public void A_restock_after_the_end_counts_as_never()
    {
        var spec = new SparePoolSpec(0, 1, 400, 5);
        var d = SparePool.Deliver(spec, 365 * Day, [new SpareRequest(0, 0, 5 * Day)]);
        Assert.True(double.IsPositiveInfinity(d[(0, 0)]));
    }
}

public class FleetSizeOverrideTests
{
    [Fact]
    public void Resizing_a_fleet_scales_a_finite_pool_with_it_and_leaves_an_unlimited_one_unlimited()
    {
        var s = StressScenarios.Parse(StressScenarios.TinyEveryFault); // 3 boards, 6 spares, 2 per restock
        var big = s.WithFleetSize(10);
        Assert.Equal(10, big.FleetSize);
        Assert.Equal(20, big.Spares.InitialStock);
        Assert.Equal(7, big.Spares.RestockBatch);
        var unlimited = s with { Spares = s.Spares with { InitialStock = null, RestockEveryDays = null, RestockBatch = 0 } };
        Assert.Null(unlimited.WithFleetSize(1000).Spares.InitialStock);
    }
}

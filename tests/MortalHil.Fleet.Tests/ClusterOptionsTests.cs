using MortalHil.Fleet.Cluster;

namespace MortalHil.Fleet.Tests;

/// <summary>A --cluster string is checked before anything connects, so a typo costs no connect timeout.</summary>
public sealed class ClusterOptionsTests
{
    [Theory]
    [InlineData(":::")]
    [InlineData("a b:6379")]
    [InlineData(":6379")]
    [InlineData("host:99999")]
    [InlineData("")]
    public void A_string_that_names_no_usable_redis_endpoint_is_refused(string conn)
    {
        var e = Assert.Throws<ArgumentException>(() => new FleetClusterOptions(conn).RedisConfiguration());
        Assert.Contains("--cluster", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:6379")]
    [InlineData("localhost")]
    [InlineData("[::1]:6380")]
    [InlineData("redis.lab.example:6379,password=x")]
    public void A_host_and_port_is_accepted(string conn)
    {
        Assert.NotEmpty(new FleetClusterOptions(conn).RedisConfiguration().EndPoints);
    }
}

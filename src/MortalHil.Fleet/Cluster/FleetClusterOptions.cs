using System.Net;
using StackExchange.Redis;

namespace MortalHil.Fleet.Cluster;

/// <summary>
/// Where the fleet's membership and coordination state live, and how fast a dead silo is noticed.
/// </summary>
/// <param name="Redis">StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</param>
/// <param name="ClusterId">Separates fleets sharing one Redis (membership and state keys carry it).</param>
/// <param name="FastFailover">Probe with a 2 s timeout and declare a silo dead after three missed probes (tests, one
/// machine); otherwise Orleans' defaults (a killed silo is declared dead after about 15 s).</param>
public sealed record FleetClusterOptions(string Redis, string ClusterId = FleetClusterOptions.DefaultClusterId, bool FastFailover = false)
{
    public const string DefaultClusterId = "mortalhil";
    public const string ServiceId = "mortalhil-fleet";
    public const string StorageName = "fleet";

    /// <summary>The parsed Redis configuration; a bad string is refused with the reason.</summary>
    public ConfigurationOptions RedisConfiguration()
    {
        ConfigurationOptions c;
        try
        {
            c = ConfigurationOptions.Parse(Redis);
        }
        catch (Exception e) when (e is ArgumentException or RedisException)
        {
            throw new ArgumentException($"--cluster '{Redis}' is not a Redis connection string (HOST:PORT[,options]): {e.Message}");
        }
        if (c.EndPoints.Count == 0) throw new ArgumentException($"--cluster '{Redis}' names no Redis endpoint (HOST:PORT)");
        // StackExchange.Redis takes any text before the last ':' as a host name (':::' parses to host '::' and port 0,
        // 'a b:1' to host 'a b'); such a fleet would only fail later, after a 5 s connect timeout, so refuse it here.
        foreach (var endpoint in c.EndPoints)
        {
            if (endpoint is DnsEndPoint dns && Uri.CheckHostName(dns.Host) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
                throw new ArgumentException($"--cluster '{Redis}' names an endpoint whose host '{dns.Host}' is not a host name or IP address");
        }
        c.AbortOnConnectFail = false; // a Redis that restarts is waited for, not fatal
        c.ConnectTimeout = 5000;
        c.SyncTimeout = 5000;
        return c;
    }

    /// <summary>The address silos advertise: loopback when Redis is on loopback (one machine), else this host's first IPv4.</summary>
    public IPAddress AdvertisedAddress()
    {
        var first = RedisConfiguration().EndPoints[0];
        bool loopback = first switch
        {
            IPEndPoint ip => IPAddress.IsLoopback(ip.Address),
            DnsEndPoint dns => dns.Host is "localhost" or "127.0.0.1",
            _ => false,
        };
        if (loopback) return IPAddress.Loopback;
        return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
    }
}

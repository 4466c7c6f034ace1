using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace MortalHil.Fleet.Cluster;

/// <summary>A connection to a running fleet (for commands that run on no node of their own).</summary>
public sealed class FleetClient : IAsyncDisposable
{
    private readonly IHost _host;

    private FleetClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    /// <summary>Connects through Redis to the fleet's gateways; fails with a clear message if none answers in <paramref name="timeout"/>.</summary>
    public static async Task<FleetClient> ConnectAsync(FleetClusterOptions cluster, TimeSpan? timeout = null, TextWriter? log = null, CancellationToken cancel = default)
    {
        var redis = cluster.RedisConfiguration();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (log is not null) builder.Logging.AddProvider(new WriterLoggerProvider(log, LogLevel.Error));
        builder.UseOrleansClient(c =>
        {
            c.Configure<ClusterOptions>(o => { o.ClusterId = cluster.ClusterId; o.ServiceId = FleetClusterOptions.ServiceId; });
            c.UseRedisClustering(o => o.ConfigurationOptions = redis);
            c.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(30));
            c.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(cluster.FastFailover ? 2 : 30));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancel).WaitAsync(timeout ?? TimeSpan.FromSeconds(60), cancel);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or StackExchange.Redis.RedisException or Orleans.Runtime.Messaging.ConnectionFailedException)
        {
            host.Dispose();
            throw new FleetUnavailableException($"cannot reach the fleet '{cluster.ClusterId}' through Redis {cluster.Redis}: {e.Message}", e);
        }
        return new FleetClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception) { /* leaving is best effort */ }
        _host.Dispose();
    }
}

/// <summary>The fleet (Redis or every silo) could not be reached.</summary>
public sealed class FleetUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

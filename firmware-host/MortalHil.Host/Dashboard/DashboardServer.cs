using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MortalHil.Core.Live;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// The dashboard's web server (ASP.NET Core, Kestrel): the page and its script, a JSON API over the run store, the
/// live state, stress outputs and journals, a server-sent event stream of live events, and the guarded actions.
/// Everything is read-only except the actions, which need the start-up token.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LiveFeed? _feed;

    private readonly FleetWatch? _fleet;

    private DashboardServer(WebApplication app, LiveFeed? feed, FleetWatch? fleet, LiveState state, EventBroadcast broadcast)
    {
        _app = app;
        _feed = feed;
        _fleet = fleet;
        State = state;
        Broadcast = broadcast;
    }

    public LiveState State { get; }
    public EventBroadcast Broadcast { get; }
    public LiveFeed? Feed => _feed;

    /// <summary>The addresses actually listened on (with the real port when 0 was asked for).</summary>
    public IReadOnlyList<string> Urls => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();

    public static async Task<DashboardServer> StartAsync(DashboardOptions options, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.Services.ConfigureHttpJsonOptions(j =>
        {
            j.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            j.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        var app = builder.Build();
        var state = new LiveState();
        var broadcast = new EventBroadcast();
        LiveFeed? feed = options.LiveDirectory is { } live ? new LiveFeed(live, options.PollInterval, state, broadcast) : null;
        FleetWatch? fleet = options.Fleet is { } cluster ? new FleetWatch(cluster) : null;
        var server = new DashboardServer(app, feed, fleet, state, broadcast);
        DashboardEndpoints.Map(app, options, state, broadcast, new AllowedPaths(options.AllowedRoots), new ActionToken(options.Token), fleet);
        feed?.Start();
        fleet?.Start();
        await app.StartAsync(cancel).ConfigureAwait(false);
        return server;
    }

    public Task WaitForShutdownAsync(CancellationToken cancel) => _app.WaitForShutdownAsync(cancel);

    public async ValueTask DisposeAsync()
    {
        if (_feed is not null) await _feed.DisposeAsync().ConfigureAwait(false);
        if (_fleet is not null) await _fleet.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>True when a process with this id runs on this machine (a command that died without its last line is not).</summary>
    internal static bool ProcessAlive(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    internal static JsonSerializerOptions EventJson => LiveEventLine.Json;
}

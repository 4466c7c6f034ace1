using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MortalHil.Core.Live;

namespace MortalHil.Host.Dashboard;

/// <summary>The dashboard's URLs. Every input from a URL is checked here: numbers by range, board names by pattern, paths by <see cref="AllowedPaths"/>.</summary>
internal static class DashboardEndpoints
{
    public static void Map(WebApplication app, DashboardOptions options, LiveState state, EventBroadcast broadcast, AllowedPaths paths, ActionToken token, FleetWatch? fleet)
    {
        var runs = new RunStoreReader(options.RunStorePath);
        app.Use(async (context, next) =>
        {
            var h = context.Response.Headers;
            h["X-Content-Type-Options"] = "nosniff";
            h["Content-Security-Policy"] = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";
            h["Referrer-Policy"] = "no-referrer";
            await next(context);
        });

        app.MapGet("/", () => DashboardAssets.Serve("index.html"));
        app.MapGet("/static/{*name}", (string name) => DashboardAssets.Serve(name));

        app.MapGet("/api/info", () => Results.Json(new
        {
            read_only = token.ReadOnly, run_store = runs.Path, live_directory = options.LiveDirectory, directories = paths.Roots,
            fleet = options.Fleet?.ClusterId,
        }));

        app.MapGet("/api/fleet", () => fleet is null
            ? Error(404, "this dashboard watches no fleet (start it with --cluster HOST:PORT)")
            : Results.Json(fleet.View));

        app.MapGet("/api/state", () => Results.Json(new
        {
            server_time = DateTimeOffset.UtcNow,
            live = state.Snapshot(DashboardServer.ProcessAlive),
            stored_boards = StoredBoards(runs, paths),
        }));

        app.MapGet("/api/stream", async (HttpContext context) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var channel = broadcast.Subscribe();
            var cancel = context.RequestAborted;
            try
            {
                await context.Response.WriteAsync("retry: 1000\n\n", cancel);
                await context.Response.Body.FlushAsync(cancel);
                while (!cancel.IsCancellationRequested)
                {
                    using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                    heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                    bool ready;
                    try { ready = await channel.Reader.WaitToReadAsync(heartbeat.Token); }
                    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                    {
                        await context.Response.WriteAsync(": heartbeat\n\n", cancel);
                        await context.Response.Body.FlushAsync(cancel);
                        continue;
                    }
                    if (!ready) break;
                    while (channel.Reader.TryRead(out var e))
                        await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(e, DashboardServer.EventJson) + "\n\n", cancel);
                    await context.Response.Body.FlushAsync(cancel);
                }
            }
            catch (OperationCanceledException)
            {
                // The page went away.
            }
            finally
            {
                broadcast.Unsubscribe(channel);
            }
        });

        app.MapGet("/api/board", (string? kind, string? serial) =>
        {
            if (kind is null || serial is null || !OperatorRequests.IsValidName(kind) || !OperatorRequests.IsValidName(serial))
                return Error(400, "kind and serial must be names of letters, digits and ._-/#: (at most 64 characters)");
            return state.Board(kind, serial) is { } b ? Results.Json(b) : Error(404, $"no live board {kind} #{serial}");
        });

        app.MapGet("/api/runs", (string? limit) =>
        {
            int n = 200;
            if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n is < 1 or > RunStoreReader.MaxRuns))
                return Error(400, $"limit must be a whole number from 1 to {RunStoreReader.MaxRuns}");
            return Results.Json(runs.Recent(n));
        });

        app.MapGet("/api/runs/{id}/curve", (string id) =>
        {
            if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long runId) || runId < 1)
                return Error(400, "a run id is a positive whole number");
            var run = runs.Find(runId);
            if (run is null) return Error(404, $"no run {runId} in the run store");
            return Results.Json(new { run, curve = RunStoreReader.Curve(run) });
        });

        app.MapGet("/api/stress/list", () => Results.Json(OutputFinder.StressDirectories(paths)));
        app.MapGet("/api/stress", (string? path) => Guarded(() => StressOutputReader.Read(StressDirectory(paths.Resolve(path)))));
        app.MapGet("/api/journals", () => Results.Json(OutputFinder.Journals(paths).Select(j => JournalSummaryReader.Read(j, withRounds: false)).ToArray()));
        app.MapGet("/api/journal", (string? path) => Guarded(() =>
        {
            var file = paths.Resolve(path);
            if (!JournalSummaryReader.IsJournal(file)) throw new PathRefusedException($"'{path}' is not a handover journal");
            return JournalSummaryReader.Read(file, withRounds: true);
        }));

        app.MapPost("/api/actions/handover", async (HttpContext context) =>
        {
            if (token.Refusal(context.Request) is { } refused) return Error(refused.Status, refused.Message);
            if (options.LiveDirectory is null) return Error(409, "no live folder: runs cannot be reached from this dashboard");
            JsonNode? body;
            try { body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted); }
            catch (JsonException) { return Error(400, "the body must be JSON: {\"board_kind\": ..., \"serial\": ...}"); }
            var kind = body?["board_kind"]?.GetValueKind() == JsonValueKind.String ? body["board_kind"]!.GetValue<string>() : null;
            var serial = body?["serial"]?.GetValueKind() == JsonValueKind.String ? body["serial"]!.GetValue<string>() : null;
            if (kind is null || serial is null || !OperatorRequests.IsValidName(kind) || !OperatorRequests.IsValidName(serial))
                return Error(400, "board_kind and serial must be names of letters, digits and ._-/#: (at most 64 characters)");
            var board = state.Snapshot(_ => false).Boards.FirstOrDefault(b => b.Latest.BoardKind == kind && b.Latest.Serial == serial);
            if (board is null) return Error(404, $"no live board {kind} #{serial}");
            if (board.Latest.State is "dead" or "retired") return Error(409, $"board {kind} #{serial} is {board.Latest.State}");
            OperatorRequests.Write(LiveDirectory.Requests(options.LiveDirectory), OperatorRequests.Handover, kind, serial,
                JsonSerializer.Serialize(new { requested_utc = DateTimeOffset.UtcNow, from = context.Connection.RemoteIpAddress?.ToString() }));
            return Results.Json(new { message = $"handover requested for {kind} #{serial}; the run watching it acts at its next health check" }, statusCode: 202);
        });
    }

    private static string StressDirectory(string resolved)
    {
        var dir = File.Exists(resolved) && Path.GetFileName(resolved) == "stress.json" ? Path.GetDirectoryName(resolved)! : resolved;
        if (!StressOutputReader.IsStressOutput(dir)) throw new PathRefusedException("that folder has no stress.json");
        return dir;
    }

    private static IResult Guarded(Func<JsonNode> read)
    {
        try
        {
            return Results.Json(read());
        }
        catch (PathRefusedException e)
        {
            return Error(403, "refused: " + e.Message);
        }
    }

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <summary>Boards named by the run store (board specs of finished runs) and by journals under the allowed folders.</summary>
    private static object[] StoredBoards(RunStoreReader runs, AllowedPaths paths)
    {
        var list = new List<object>();
        foreach (var g in runs.Recent(RunStoreReader.MaxRuns).Where(r => r.Board is not null && r.Board != "digital").GroupBy(r => r.Board!))
        {
            var newest = g.First();
            var (kind, serial) = SpecName(g.Key);
            list.Add(new { board_kind = kind, serial, source = "run store", state = newest.Status == "running" ? "training" : "trained",
                runs = g.Count(), last_accuracy = g.FirstOrDefault(r => r.TestAccuracy is not null)?.TestAccuracy, last_run = newest.Id });
        }
        return list.ToArray();
    }

    /// <summary>A simulator spec <c>sim:PRESET:SERIAL</c> names the board <c>sim/PRESET</c> #SERIAL; other specs are kept whole.</summary>
    internal static (string Kind, string Serial) SpecName(string spec)
    {
        var parts = spec.Split(':');
        return parts.Length == 3 && parts[0] == "sim" && !parts[1].EndsWith(".json", StringComparison.Ordinal) ? ("sim/" + parts[1], parts[2]) : (spec, "-");
    }
}

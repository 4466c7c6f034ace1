using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MortalHil.Core.Live;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// <c>mortalhil dashboard bench --out DIR</c>: measures the dashboard's targets and writes DIR/dashboard-bench.json:
/// how long a published event takes to reach a connected page (through the live log file, the poller and the event
/// stream); how long the stress view of a big stress output takes to load and to render in headless Chromium; and
/// the server's memory under a steady live load for a given time.
/// </summary>
public static partial class DashboardBenchCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder for dashboard-bench.json", Required = true };
        var stress = new Option<string?>("--stress") { Description = "A stress output folder (stress.json, lineages.json) to load in the stress view" };
        var seconds = new Option<int>("--seconds") { Description = "Length of the live-load run for the memory measurement", DefaultValueFactory = _ => 60 };
        var boards = new Option<int>("--boards") { Description = "Boards reporting once a second during the live-load run", DefaultValueFactory = _ => 1000 };
        var chromium = new Option<string>("--chromium") { Description = "Headless browser for the render measurement", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var cmd = new Command("bench", "Measure the dashboard: event-to-page latency, a big stress view's load and render time, memory under live load.");
        foreach (var o in new Option[] { output, stress, seconds, boards, chromium }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            int s = parse.GetValue(seconds), b = parse.GetValue(boards);
            if (s < 5) throw new CliUsageException("--seconds must be at least 5");
            if (b is < 1 or > 20_000) throw new CliUsageException("--boards must be in [1, 20000]");
            var outDir = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(outDir);
            var given = parse.GetValue(stress);
            var stressDir = given is null ? null : Path.GetFullPath(given);
            if (stressDir is not null && !StressOutputReader.IsStressOutput(stressDir)) throw new CliUsageException($"--stress '{given}' has no stress.json");
            return Run(outDir, stressDir, s, b, parse.GetValue(chromium)!).GetAwaiter().GetResult();
        });
        return cmd;
    }

    private static async Task<int> Run(string outDir, string? stressDir, int seconds, int boards, string chromium)
    {
        var work = Path.Combine(Path.GetTempPath(), $"mortalhil-dashboard-bench-{Environment.ProcessId}");
        var live = Path.Combine(work, "live");
        Directory.CreateDirectory(live);
        var json = new JsonObject { ["machine_cores"] = Environment.ProcessorCount, ["started_utc"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        try
        {
            var roots = stressDir is null ? Array.Empty<string>() : [Path.GetDirectoryName(stressDir)!];
            await using var server = await DashboardServer.StartAsync(new DashboardOptions
            {
                Urls = ["http://127.0.0.1:0"], RunStorePath = Path.Combine(work, "runs.db"), LiveDirectory = live, AllowedRoots = roots,
            });
            var url = server.Urls[0];
            Console.WriteLine($"dashboard on {url}");
            json["latency"] = await Latency(url, live);
            Console.WriteLine($"latency: {json["latency"]!.ToJsonString()}");
            if (stressDir is not null)
            {
                json["stress_view"] = await StressView(url, stressDir, chromium);
                Console.WriteLine($"stress view: {json["stress_view"]!.ToJsonString()}");
            }
            json["memory"] = await Memory(url, live, server, seconds, boards, chromium);
            Console.WriteLine($"memory: {json["memory"]!["summary"]!.ToJsonString()}");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { }
        }
        var path = Path.Combine(outDir, "dashboard-bench.json");
        Core.Files.StampedJson.Write(path, json, "dashboard-bench", 1);
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    /// <summary>Publishes events one at a time through a real log file and times each until a stream client receives it.</summary>
    private static async Task<JsonNode> Latency(string url, string live, int events = 200)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var stream = await http.GetStreamAsync(url + "/api/stream");
        using var reader = new StreamReader(stream);
        using var log = new LiveEventLog(live, "bench-latency", "dashboard bench");
        var delays = new List<double>();
        await reader.ReadLineAsync(); // retry:
        for (int i = 0; i < events; i++)
        {
            var sent = new BoardHealthEvent { BoardKind = "bench", Serial = $"latency-{i}", State = "serving", AgeHours = i };
            log.Publish(sent);
            while (true)
            {
                var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
                if (line is null) throw new IOException("event stream closed");
                if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
                var e = JsonSerializer.Deserialize<LiveEvent>(line[6..], LiveEventLine.Json);
                if (e is BoardHealthEvent b && b.Serial == sent.Serial)
                {
                    delays.Add((DateTimeOffset.UtcNow - sent.At).TotalMilliseconds);
                    break;
                }
            }
            await Task.Delay(Random.Shared.Next(20, 120)); // spread publishing over the flush and poll cycles
        }
        return Summary(delays, "ms");
    }

    /// <summary>Loads the stress view's data over HTTP (ten times) and renders the page in headless Chromium, which reports its own render time.</summary>
    private static async Task<JsonNode> StressView(string url, string stressDir, string chromium)
    {
        using var http = new HttpClient();
        var query = $"{url}/api/stress?path={Uri.EscapeDataString(stressDir)}";
        var times = new List<double>();
        long bytes = 0;
        int boards = 0;
        for (int i = 0; i < 10; i++)
        {
            var sw = Stopwatch.StartNew();
            var body = await http.GetStringAsync(query);
            times.Add(sw.Elapsed.TotalMilliseconds);
            bytes = body.Length;
            boards = (JsonNode.Parse(body)!["boards"] as JsonArray)!.Count;
        }
        var o = new JsonObject { ["boards"] = boards, ["response_bytes"] = bytes, ["api_ms"] = Summary(times, "ms") };
        if (!File.Exists(chromium))
        {
            o["browser"] = $"not measured: {chromium} is missing";
            return o;
        }
        var page = $"{url}/?nolive=1#stress?path={Uri.EscapeDataString(stressDir)}";
        await using var browser = await HeadlessChromiumPage.Open(chromium, page);
        await browser.WaitFor("document.body.dataset.renderMs", TimeSpan.FromMinutes(3));
        o["browser"] = new JsonObject
        {
            ["first_rows_ms"] = await browser.Evaluate("Number(document.body.dataset.firstRowsMs)"),
            ["render_ms"] = await browser.Evaluate("Number(document.body.dataset.renderMs)"),
            ["shown_after_navigation_ms"] = await browser.Evaluate("Number(document.body.dataset.renderedAt)"),
            ["board_rows"] = await browser.Evaluate("document.querySelectorAll('tr.stress-board').length"),
            ["frame_ms_after_render"] = Summary(await FrameTimes(browser, 20), "ms"),
        };
        return o;
    }

    /// <summary>Runs a steady live load (every board reports once a second, handovers and a training report ten times a
    /// second) with one reading and one stalled page connected, and samples the server's memory every few seconds.</summary>
    private static async Task<JsonNode> Memory(string url, string live, DashboardServer server, int seconds, int boards, string chromium)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();
        var reading = Task.Run(async () =>
        {
            using var s = await http.GetStreamAsync(url + "/api/stream", stop.Token);
            var buffer = new byte[65536];
            long n = 0;
            try { while (await s.ReadAsync(buffer, stop.Token) > 0) n++; }
            catch (OperationCanceledException) { }
            return n;
        });
        // A page that connects and never reads: its queue must stay bounded.
        using var stalled = await http.GetAsync(url + "/api/stream", HttpCompletionOption.ResponseHeadersRead);
        using var log = new LiveEventLog(live, "bench-memory", "dashboard bench");
        var samples = new JsonArray();
        var wall = Stopwatch.StartNew();
        Task<JsonNode>? boardsView = null;
        long published = 0;
        int tick = 0;
        var next = TimeSpan.Zero;
        while (wall.Elapsed.TotalSeconds < seconds)
        {
            // Each tick (100 ms) a tenth of the boards report; a handover reports a round; a training reports a point.
            for (int b = tick % 10; b < boards; b += 10)
            {
                log.Publish(new BoardHealthEvent
                {
                    BoardKind = "sim/reram", Serial = $"bench-{b}", State = "serving", AgeHours = tick / 10.0, CanaryAccuracy = 0.9 - tick * 1e-5,
                    StuckFraction = 0.01, WriteFailureFraction = 0.02, LifeMedianHours = 1000, LifeLowerHours = 800, LifeUpperHours = 1300, LifeConfidence = 0.9,
                });
                published++;
            }
            log.Publish(new HandoverEvent
            {
                Journal = $"/bench/handover-{tick / 100}.db", Teacher = "t", Student = "s", State = "distilling", Round = tick % 100, CollectedExamples = tick % 100,
                TransferExamples = 100, StudentSteps = tick % 100, StudentBudget = 100, TeacherQueries = tick % 100, BitsSent = 80 * (tick % 100), TeacherAlive = true,
                BoardHours = tick / 10.0, StudentCanary = 0.5, TeacherCanary = 0.9,
            });
            log.Publish(new TrainingEvent
            {
                BoardKind = "sim/reram", Serial = "bench-train", Epoch = 0, Epochs = 1, Step = tick, StepsTotal = long.MaxValue, EpochsDone = tick / 1000.0,
                TrainAccuracy = 0.5, TestAccuracy = 0.5, IsCurvePoint = true,
            });
            published += 2;
            tick++;
            if (tick == 50 && File.Exists(chromium)) boardsView = LiveBoardsView(url, chromium, boards);
            if (wall.Elapsed >= next)
            {
                var heapAfterGc = GC.GetTotalMemory(forceFullCollection: true);
                using var self = Process.GetCurrentProcess();
                var counts = server.State.Counts();
                samples.Add(new JsonObject
                {
                    ["seconds"] = Math.Round(wall.Elapsed.TotalSeconds, 1), ["managed_heap_mb"] = Math.Round(heapAfterGc / 1048576.0, 1),
                    ["working_set_mb"] = Math.Round(self.WorkingSet64 / 1048576.0, 1), ["events_published"] = published,
                    ["events_read"] = server.Feed?.EventsRead, ["boards"] = counts.Boards, ["handovers"] = counts.Handovers, ["page_connections"] = server.Broadcast.Clients,
                });
                next += TimeSpan.FromSeconds(Math.Max(1, seconds / 60.0));
            }
            await Task.Delay(100);
        }
        JsonNode? view = null;
        if (boardsView is not null)
            try { view = await boardsView; }
            catch (Exception e) when (e is TimeoutException or IOException or InvalidOperationException) { view = $"not measured: {e.Message}"; }
        await stop.CancelAsync();
        long chunks = await reading;
        var heap = samples.Select(s => s!["managed_heap_mb"]!.GetValue<double>()).ToArray();
        var ws = samples.Select(s => s!["working_set_mb"]!.GetValue<double>()).ToArray();
        int half = heap.Length / 2;
        return new JsonObject
        {
            ["summary"] = new JsonObject
            {
                ["seconds"] = seconds, ["boards"] = boards, ["events_published"] = published, ["reading_page_chunks"] = chunks,
                ["managed_heap_mb_first"] = heap[0], ["managed_heap_mb_max"] = heap.Max(), ["managed_heap_mb_last"] = heap[^1],
                ["managed_heap_mb_max_first_half"] = heap[..Math.Max(1, half)].Max(), ["managed_heap_mb_max_second_half"] = heap[half..].Max(),
                ["working_set_mb_max_first_half"] = ws[..Math.Max(1, half)].Max(), ["working_set_mb_max_second_half"] = ws[half..].Max(),
                ["note"] = "the server runs in this process beside the publisher; heap measured after a full collection",
            },
            ["live_boards_view"] = view,
            ["samples"] = samples,
        };
    }

    /// <summary>Time from asking for an animation frame to getting it, a few times: how long the page keeps the main thread.</summary>
    private static async Task<List<double>> FrameTimes(HeadlessChromiumPage page, int count)
    {
        var times = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var v = await page.Evaluate("new Promise(r => { const t = performance.now(); requestAnimationFrame(() => r(performance.now() - t)); })");
            times.Add(v!.GetValue<double>());
            await Task.Delay(200);
        }
        return times;
    }

    /// <summary>The Boards view, live, while the load runs: how long one render of every board takes, and frame times.</summary>
    private static async Task<JsonNode> LiveBoardsView(string url, string chromium, int boards)
    {
        await using var page = await HeadlessChromiumPage.Open(chromium, url + "/#boards");
        var waited = await page.WaitFor($"document.querySelectorAll('tr.board-row').length >= {boards}", TimeSpan.FromMinutes(3));
        var renders = new List<double>();
        for (int i = 0; i < 10; i++)
        {
            renders.Add((await page.Evaluate("(() => { const t = performance.now(); render(); return performance.now() - t; })()"))!.GetValue<double>());
            await Task.Delay(300);
        }
        return new JsonObject
        {
            ["board_rows"] = await page.Evaluate("document.querySelectorAll('tr.board-row').length"),
            ["events_seen_by_page"] = await page.Evaluate("live.events"),
            ["all_boards_shown_after_ms"] = Math.Round(waited, 0),
            ["render_all_boards_ms"] = Summary(renders, "ms"),
            ["frame_ms_while_live"] = Summary(await FrameTimes(page, 30), "ms"),
        };
    }

    private static JsonObject Summary(List<double> values, string unit)
    {
        var v = values.Order().ToArray();
        double Q(double q) => Math.Round(v[Math.Min(v.Length - 1, (int)Math.Floor(q * v.Length))], 1);
        return new JsonObject { ["count"] = v.Length, ["unit"] = unit, ["p50"] = Q(0.5), ["p95"] = Q(0.95), ["p99"] = Q(0.99), ["max"] = Math.Round(v[^1], 1) };
    }

    [GeneratedRegex("data-render-ms=\"([0-9.]+)\"")]
    private static partial Regex RenderMs();

    [GeneratedRegex("<tr class=\"stress-board\"")]
    private static partial Regex BoardRow();
}

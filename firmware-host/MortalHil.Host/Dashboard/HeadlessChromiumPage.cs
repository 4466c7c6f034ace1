using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// A page in headless Chromium, driven over the DevTools protocol (a WebSocket), so the benchmark can time the page in
/// a real browser in real time: <see cref="Evaluate"/> runs JavaScript in the page and returns its value.
/// </summary>
internal sealed class HeadlessChromiumPage : IAsyncDisposable
{
    private readonly Process _browser;
    private readonly ClientWebSocket _socket;
    private readonly DirectoryInfo _profile;
    private int _id;

    private HeadlessChromiumPage(Process browser, ClientWebSocket socket, DirectoryInfo profile)
    {
        _browser = browser;
        _socket = socket;
        _profile = profile;
    }

    public static async Task<HeadlessChromiumPage> Open(string chromium, string url)
    {
        var profile = Directory.CreateTempSubdirectory("mortalhil-chromium-");
        var psi = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-port=0", $"--user-data-dir={profile.FullName}", "--window-size=1400,1000", url })
            psi.ArgumentList.Add(a);
        var browser = Process.Start(psi)!;
        browser.StandardOutput.BaseStream.CopyToAsync(Stream.Null).ContinueWith(_ => { }, TaskScheduler.Default).GetAwaiter();
        string? endpoint = null;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
            while (endpoint is null)
            {
                var line = await browser.StandardError.ReadLineAsync(wait.Token) ?? throw new IOException("chromium exited before it listened");
                const string marker = "DevTools listening on ";
                if (line.Contains(marker, StringComparison.Ordinal)) endpoint = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();
            }
        _ = browser.StandardError.BaseStream.CopyToAsync(Stream.Null);
        var port = new Uri(endpoint).Port;
        using var http = new HttpClient();
        string? pageSocket = null;
        for (int i = 0; i < 100 && pageSocket is null; i++)
        {
            var list = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list")) as JsonArray;
            pageSocket = list?.FirstOrDefault(t => (string?)t?["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
            if (pageSocket is null) await Task.Delay(100);
        }
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(pageSocket ?? throw new IOException("chromium has no page")), CancellationToken.None);
        return new HeadlessChromiumPage(browser, socket, profile);
    }

    /// <summary>The value of a JavaScript expression in the page (promises are awaited).</summary>
    public async Task<JsonNode?> Evaluate(string expression)
    {
        int id = ++_id;
        var request = new JsonObject
        {
            ["id"] = id, ["method"] = "Runtime.evaluate",
            ["params"] = new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true },
        };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                message.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage);
            var answer = JsonNode.Parse(message.ToArray());
            if ((int?)answer?["id"] != id) continue;
            if (answer?["result"]?["exceptionDetails"] is { } error) throw new InvalidOperationException($"page script failed: {error.ToJsonString()}");
            return answer?["result"]?["result"]?["value"]?.DeepClone();
        }
    }

    /// <summary>Evaluates until the expression is truthy (or the time is up); returns the milliseconds waited.</summary>
    public async Task<double> WaitFor(string expression, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (await Evaluate($"!!({expression})") is JsonValue v && v.GetValue<bool>()) return sw.Elapsed.TotalMilliseconds;
            await Task.Delay(100);
        }
        throw new TimeoutException($"the page did not reach '{expression}' within {timeout.TotalSeconds:F0} s");
    }

    public async ValueTask DisposeAsync()
    {
        try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
        catch (WebSocketException) { }
        _socket.Dispose();
        try { _browser.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
        await _browser.WaitForExitAsync();
        _browser.Dispose();
        try { _profile.Delete(recursive: true); }
        catch (IOException) { }
    }
}

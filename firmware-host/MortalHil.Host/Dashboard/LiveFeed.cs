using MortalHil.Core.Live;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// Follows the live folder: every <see cref="DashboardOptions.PollInterval"/> it looks for logs that grew, reads their
/// new events, folds them into <see cref="LiveState"/> and sends them to the pages. Polling a folder is the simplest
/// thing that works across processes, file systems and crashes; at 100 ms it keeps a change on the page well within
/// a second. Logs already there at start are read first, so past runs show too.
/// </summary>
public sealed class LiveFeed : IAsyncDisposable
{
    /// <summary>Most logs followed at once (the newest by name, which starts with the start time).</summary>
    public const int MaxLogs = 400;

    private readonly string _directory;
    private readonly TimeSpan _interval;
    private readonly LiveState _state;
    private readonly EventBroadcast _broadcast;
    private readonly Dictionary<string, LiveEventLogReader> _logs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LiveFeed(string directory, TimeSpan interval, LiveState state, EventBroadcast broadcast)
    {
        _directory = directory;
        _interval = interval;
        _state = state;
        _broadcast = broadcast;
    }

    /// <summary>Events read so far, and lines refused (bad checksum).</summary>
    public long EventsRead { get; private set; }
    public long LinesRejected => _logs.Values.Sum(l => l.RejectedLines);

    public void Start()
    {
        Poll(send: false);
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(_interval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false)) Poll(send: true);
        });
    }

    /// <summary>One pass over the folder.</summary>
    public void Poll(bool send)
    {
        if (!Directory.Exists(_directory)) return;
        string[] files;
        try
        {
            files = Directory.GetFiles(_directory, "*.jsonl");
        }
        catch (IOException)
        {
            return;
        }
        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files.Length > MaxLogs ? files[^MaxLogs..] : files)
        {
            long length;
            try { length = new FileInfo(file).Length; }
            catch (IOException) { continue; }
            if (!_logs.TryGetValue(file, out var log)) _logs[file] = log = new LiveEventLogReader(file);
            if (length == log.Offset) continue;
            foreach (var e in log.ReadNew())
            {
                EventsRead++;
                _state.Apply(file, e);
                if (send) _broadcast.Send(e);
            }
        }
        if (_logs.Count > MaxLogs)
        {
            var keep = new HashSet<string>(files.Length > MaxLogs ? files[^MaxLogs..] : files, StringComparer.Ordinal);
            foreach (var gone in _logs.Keys.Where(k => !keep.Contains(k)).ToArray()) _logs.Remove(gone);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

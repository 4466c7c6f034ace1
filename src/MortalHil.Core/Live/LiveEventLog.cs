using System.Globalization;
using System.Text;

namespace MortalHil.Core.Live;

/// <summary>
/// Writes one process's live events to its own file in the live folder (<see cref="LiveEventLine"/> format), for a
/// dashboard in another process to tail. Events are buffered and written every <see cref="FlushInterval"/> by a
/// timer, so publishing costs the publisher a lock and a list insert; events with the same
/// <see cref="LiveEvent.CoalesceKey"/> published between two flushes collapse to the newest, which bounds the file's
/// growth by what changed rather than by how often a loop reports. The file is created at the first event, so a
/// command that publishes nothing leaves nothing. An I/O error stops the log (one warning on stderr); the run goes on.
/// </summary>
public sealed class LiveEventLog : ILiveEventSink, IDisposable
{
    /// <summary>Longest time an event waits in memory before it is written.</summary>
    public static TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Logs older than this are deleted when a new one is created.</summary>
    public static TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    private readonly object _gate = new();
    private readonly string _directory;
    private readonly RunLifeEvent _start;
    private readonly TextWriter? _warnings;
    private readonly Timer _timer;
    private List<LiveEvent?> _pending = [];
    private Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private FileStream? _file;
    private bool _broken, _disposed;

    /// <param name="directory">The live folder (created if needed).</param>
    /// <param name="command">The command's name, part of the file name.</param>
    /// <param name="arguments">The command line, recorded in the first event.</param>
    /// <param name="warnings">Where to say once that the log stopped (null: nowhere).</param>
    /// <param name="flushInterval">How often pending events are written (default <see cref="FlushInterval"/>).</param>
    public LiveEventLog(string directory, string command, string arguments, TextWriter? warnings = null, TimeSpan? flushInterval = null)
    {
        _directory = Path.GetFullPath(directory);
        _start = new RunLifeEvent { Command = command, Arguments = arguments, ProcessId = Environment.ProcessId, At = DateTimeOffset.UtcNow };
        _warnings = warnings;
        var safe = new string(command.Select(c => char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '_').ToArray());
        FilePath = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture,
            $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}-{safe}.jsonl"));
        var every = flushInterval ?? FlushInterval;
        _timer = new Timer(_ => Flush(), null, every, every);
    }

    /// <summary>The log file (it exists once something was published).</summary>
    public string FilePath { get; }

    public void Publish(LiveEvent e)
    {
        lock (_gate)
        {
            if (_broken || _disposed) return;
            // The newest of a key goes last, so the log stays in publishing order.
            if (e.CoalesceKey is { } key)
            {
                if (_slots.TryGetValue(key, out int slot)) _pending[slot] = null;
                _slots[key] = _pending.Count;
            }
            _pending.Add(e);
        }
    }

    public bool TakeHandoverRequest(string boardKind, string serial) =>
        OperatorRequests.TryTake(LiveDirectory.Requests(_directory), OperatorRequests.Handover, boardKind, serial);

    /// <summary>Writes what is pending now (the timer does this every <see cref="FlushInterval"/>).</summary>
    public void Flush()
    {
        List<LiveEvent?> batch;
        lock (_gate)
        {
            if (_pending.Count == 0 || _broken) return;
            batch = _pending;
            _pending = [];
            _slots = new Dictionary<string, int>(StringComparer.Ordinal);
        }
        // One writer at a time: the timer and Dispose may both flush.
        lock (FilePath)
        {
            try
            {
                var text = new StringBuilder();
                if (_file is null)
                {
                    Directory.CreateDirectory(_directory);
                    PruneOld();
                    _file = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                    text.Append(LiveEventLine.Header).Append('\n');
                    text.Append(LiveEventLine.Encode(_start)).Append('\n');
                }
                foreach (var e in batch)
                    if (e is not null) text.Append(LiveEventLine.Encode(e)).Append('\n');
                _file.Write(Encoding.UTF8.GetBytes(text.ToString()));
                _file.Flush();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (_gate) _broken = true;
                _warnings?.WriteLine($"warning: live events stopped ({ex.Message}); the run goes on");
            }
        }
    }

    /// <summary>Records how the command ended (only when it published something) and closes the log.</summary>
    public void Finish(int exitCode)
    {
        bool started;
        lock (FilePath) started = _file is not null;
        lock (_gate) started |= _pending.Count > 0;
        if (started) Publish(_start with { ExitCode = exitCode, At = DateTimeOffset.UtcNow });
        Dispose();
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
        lock (_gate) _disposed = true;
        lock (FilePath)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void PruneOld()
    {
        var cutoff = DateTime.UtcNow - Retention;
        foreach (var old in Directory.EnumerateFiles(_directory, "*.jsonl"))
            try
            {
                if (File.GetLastWriteTimeUtc(old) < cutoff) File.Delete(old);
            }
            catch (IOException)
            {
                // Another process may be pruning the same file; either way it goes.
            }
    }
}

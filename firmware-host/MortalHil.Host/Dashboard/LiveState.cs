using MortalHil.Core.Live;

namespace MortalHil.Host.Dashboard;

/// <summary>A board as the live events describe it: its newest check and a bounded history of checks.</summary>
public sealed record BoardView(string Key, BoardHealthEvent Latest, BoardHealthEvent[] History);

/// <summary>A handover: its newest report, its transitions, and a bounded history of rounds.</summary>
public sealed record HandoverView(string Journal, HandoverEvent Latest, HandoverEvent[] Transitions, HandoverEvent[] Rounds);

/// <summary>A board in training: the newest progress and the learning curve so far.</summary>
public sealed record TrainingView(string Key, TrainingEvent Latest, TrainingEvent[] Curve);

/// <summary>A command that published events: when it started, and how it ended (null exit code: still running or killed).</summary>
public sealed record ProcessView(string Log, RunLifeEvent Started, int? ExitCode, DateTimeOffset LastEvent, bool Alive);

/// <summary>Everything live at one moment, as the page's first load receives it (boards without their histories).</summary>
public sealed record LiveSnapshot(BoardView[] Boards, HandoverView[] Handovers, TrainingView[] Trainings, ProcessView[] Processes, StressEvent[] Stress);

/// <summary>
/// What the live events say, folded into the newest state of each board, handover, training and stress run. Memory is
/// bounded: each history keeps its newest points, and past the limits the least recently updated tenth is dropped.
/// </summary>
public sealed class LiveState
{
    public const int MaxBoards = 20_000, MaxHandovers = 2_000, MaxTrainings = 500, MaxProcesses = 500, MaxStress = 100;
    public const int BoardHistory = 100, HandoverRounds = 400, HandoverTransitions = 16, TrainingCurve = 400;

    private readonly object _gate = new();
    private readonly Dictionary<string, (BoardHealthEvent Latest, BoundedList<BoardHealthEvent> History)> _boards = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (HandoverEvent Latest, BoundedList<HandoverEvent> Transitions, BoundedList<HandoverEvent> Rounds)> _handovers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TrainingEvent Latest, BoundedList<TrainingEvent> Curve)> _trainings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (RunLifeEvent Started, int? Exit, DateTimeOffset Last)> _processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StressEvent> _stress = new(StringComparer.Ordinal);

    public static string BoardKey(string kind, string serial) => $"{kind}#{serial}";

    /// <summary>Folds one event from log <paramref name="log"/> into the state.</summary>
    public void Apply(string log, LiveEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case BoardHealthEvent b:
                {
                    var key = BoardKey(b.BoardKind, b.Serial);
                    if (!_boards.TryGetValue(key, out var entry)) entry = (b, new BoundedList<BoardHealthEvent>(BoardHistory));
                    // A death report carries no measurements: keep the last ones beside the new state.
                    var latest = b.State == "dead" ? entry.Latest with { State = "dead", Reason = b.Reason, At = b.At } : b;
                    if (b.State != "dead") entry.History.Add(b);
                    _boards[key] = (latest, entry.History);
                    Trim(_boards, MaxBoards, v => v.Latest.At);
                    break;
                }
                case HandoverEvent h:
                {
                    if (!_handovers.TryGetValue(h.Journal, out var entry))
                        entry = (h, new BoundedList<HandoverEvent>(HandoverTransitions), new BoundedList<HandoverEvent>(HandoverRounds));
                    if (h.Reason is not null) entry.Transitions.Add(h);
                    else entry.Rounds.Add(h);
                    _handovers[h.Journal] = (h, entry.Transitions, entry.Rounds);
                    if (h.State == "retired") RetireTeacher(h);
                    Trim(_handovers, MaxHandovers, v => v.Latest.At);
                    break;
                }
                case TrainingEvent t:
                {
                    var key = BoardKey(t.BoardKind, t.Serial);
                    if (!_trainings.TryGetValue(key, out var entry) || (t.Step < entry.Latest.Step && t.IsCurvePoint))
                        entry = (t, new BoundedList<TrainingEvent>(TrainingCurve)); // a new training of the same board starts a new curve
                    if (t.IsCurvePoint) entry.Curve.Add(t);
                    _trainings[key] = (t, entry.Curve);
                    Trim(_trainings, MaxTrainings, v => v.Latest.At);
                    break;
                }
                case StressEvent s:
                    _stress[s.OutDir] = s;
                    Trim(_stress, MaxStress, v => v.At);
                    break;
                case RunLifeEvent r:
                    _processes[log] = r.ExitCode is null ? (r, null, r.At) : (_processes.TryGetValue(log, out var p) ? p.Started : r, r.ExitCode, r.At);
                    Trim(_processes, MaxProcesses, v => v.Last);
                    break;
            }
            if (e is not RunLifeEvent && _processes.TryGetValue(log, out var proc)) _processes[log] = proc with { Last = e.At };
        }
    }

    /// <summary>A retired handover retires its teacher: boards of that serial (a handover names boards by serial) that still serve.</summary>
    private void RetireTeacher(HandoverEvent h)
    {
        foreach (var key in _boards.Where(p => p.Value.Latest.Serial == h.Teacher && p.Value.Latest.State != "dead").Select(p => p.Key).ToArray())
        {
            var b = _boards[key];
            _boards[key] = (b.Latest with { State = "retired", Reason = $"handed over to {h.Student}", At = h.At }, b.History);
        }
    }

    public LiveSnapshot Snapshot(Func<int, bool> processAlive)
    {
        lock (_gate)
            return new LiveSnapshot(
                _boards.Select(p => new BoardView(p.Key, p.Value.Latest, [])).ToArray(),
                _handovers.Select(p => new HandoverView(p.Key, p.Value.Latest, p.Value.Transitions.ToArray(), p.Value.Rounds.ToArray())).ToArray(),
                _trainings.Select(p => new TrainingView(p.Key, p.Value.Latest, p.Value.Curve.ToArray())).ToArray(),
                _processes.Select(p => new ProcessView(p.Key, p.Value.Started, p.Value.Exit, p.Value.Last,
                    p.Value.Exit is null && processAlive(p.Value.Started.ProcessId))).OrderByDescending(p => p.Started.At).ToArray(),
                _stress.Values.ToArray());
    }

    /// <summary>A board's newest check and its history of checks, or null when no event named it.</summary>
    public BoardView? Board(string kind, string serial)
    {
        var key = BoardKey(kind, serial);
        lock (_gate) return _boards.TryGetValue(key, out var b) ? new BoardView(key, b.Latest, b.History.ToArray()) : null;
    }

    /// <summary>Numbers of items held, for the memory benchmark.</summary>
    public (int Boards, int Handovers, int Trainings, int Processes) Counts()
    {
        lock (_gate) return (_boards.Count, _handovers.Count, _trainings.Count, _processes.Count);
    }

    private static void Trim<T>(Dictionary<string, T> items, int max, Func<T, DateTimeOffset> updated)
    {
        if (items.Count <= max) return;
        foreach (var key in items.OrderBy(p => updated(p.Value)).Take(items.Count - max + max / 10).Select(p => p.Key).ToArray()) items.Remove(key);
    }
}

using System.Diagnostics;

namespace MortalHil.Stress.Bench;

/// <summary>
/// What one tenth of a run cost: lineages finished in it, wall and processor seconds, GC pause, bytes allocated and
/// full (gen 2) collections. If any step of the runner grew faster than linearly with the fleet (a list scanned per
/// event, lock contention, a growing heap), the later tenths of a large run would cost more per lineage than the first.
/// </summary>
public sealed record RunSlice(int LineagesFinished, double WallSeconds, double CpuSeconds, double GcPauseSeconds, long AllocatedBytes, int Gen2Collections)
{
    public double CpuSecondsPerLineage => LineagesFinished > 0 ? CpuSeconds / LineagesFinished : double.NaN;
}

/// <summary>Cuts a run into tenths by lineages finished (see <see cref="RunSlice"/>); <see cref="Finished"/> is called from any thread.</summary>
public sealed class RunProfile
{
    private readonly object _gate = new();
    private readonly List<RunSlice> _slices = [];
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private (int Finished, double Wall, double Cpu, double Pause, long Allocated, int Gen2) _last;
    private int _nextCut;
    private readonly int _total;

    public RunProfile(int lineages)
    {
        _total = Math.Max(1, lineages);
        _last = Now(0);
        _nextCut = Cut(1);
    }

    public IReadOnlyList<RunSlice> Slices { get { lock (_gate) return _slices.ToArray(); } }

    /// <summary>Notes that <paramref name="finished"/> lineages (of the first pool round) are done.</summary>
    public void Finished(int finished)
    {
        lock (_gate)
        {
            if (finished < _nextCut || _slices.Count >= 10) return;
            var now = Now(finished);
            _slices.Add(new RunSlice(now.Finished - _last.Finished, now.Wall - _last.Wall, now.Cpu - _last.Cpu, now.Pause - _last.Pause,
                now.Allocated - _last.Allocated, now.Gen2 - _last.Gen2));
            _last = now;
            _nextCut = Cut(_slices.Count + 1);
        }
    }

    private int Cut(int tenth) => (int)Math.Ceiling(_total * tenth / 10.0);

    private (int Finished, double Wall, double Cpu, double Pause, long Allocated, int Gen2) Now(int finished) => (finished, _wall.Elapsed.TotalSeconds,
        Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, GC.GetTotalPauseDuration().TotalSeconds, GC.GetTotalAllocatedBytes(), GC.CollectionCount(2));
}

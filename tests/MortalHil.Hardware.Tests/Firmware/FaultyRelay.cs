using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>
/// A noisy line between a host and a board that cannot inject faults itself (the C firmware): relays
/// whole frames in both directions, dropping, corrupting (one byte, never into a delimiter) and
/// duplicating them at the given rates, from a fixed seed.
/// </summary>
internal sealed class FaultyRelay : IDisposable
{
    private readonly Stream _board;
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random;
    private readonly double _drop, _corrupt, _duplicate;
    private readonly object _sync = new();
    private readonly List<Thread> _threads = [];
    private Stream? _host;

    /// <summary>Frames dropped, corrupted or duplicated so far.</summary>
    public int FaultsInjected { get; private set; }

    public FaultyRelay(InMemoryLink link, Stream board, double drop, double corrupt, double duplicate, int seed)
    {
        _board = board;
        _random = new Random(seed);
        (_drop, _corrupt, _duplicate) = (drop, corrupt, duplicate);
        var accept = new Thread(() =>
        {
            try { _host = link.Accept(_stop.Token); }
            catch (OperationCanceledException) { return; }
            Start(() => Pump(_host, _board));
            Start(() => Pump(_board, _host));
        }) { IsBackground = true };
        accept.Start();
        _threads.Add(accept);
    }

    private void Start(Action run)
    {
        var t = new Thread(() => run()) { IsBackground = true };
        lock (_sync) _threads.Add(t);
        t.Start();
    }

    private bool Roll(double rate)
    {
        lock (_sync)
        {
            if (_random.NextDouble() >= rate) return false;
            FaultsInjected++;
            return true;
        }
    }

    private void Pump(Stream from, Stream to)
    {
        var splitter = new FrameSplitter();
        var buffer = new byte[8192];
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try { n = from.Read(buffer, 0, buffer.Length); }
            catch (TimeoutException) { continue; }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException) { return; }
            if (n == 0) return;
            var blocks = new List<byte[]>();
            splitter.Feed(buffer.AsSpan(0, n), b => blocks.Add(b.ToArray()));
            foreach (var block in blocks)
            {
                if (Roll(_drop)) continue;
                var frame = block;
                if (Roll(_corrupt))
                {
                    frame = (byte[])block.Clone();
                    lock (_sync)
                    {
                        int i = _random.Next(frame.Length);
                        byte flipped;
                        do flipped = (byte)(frame[i] ^ _random.Next(1, 256)); while (flipped == 0);
                        frame[i] = flipped;
                    }
                }
                int copies = Roll(_duplicate) ? 2 : 1;
                try
                {
                    for (int c = 0; c < copies; c++)
                    {
                        to.Write([0, .. frame, 0]);
                        to.Flush();
                    }
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException) { return; }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _board.Dispose();
        _host?.Dispose();
        List<Thread> threads;
        lock (_sync) threads = [.. _threads];
        foreach (var t in threads) t.Join(TimeSpan.FromSeconds(2));
    }
}

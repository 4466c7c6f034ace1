using System.Diagnostics;

namespace MortalHil.Core.Learning.Accounting;

/// <summary>
/// What training cost, accumulated over steps: forward passes (clean or perturbed evaluations of the
/// network, or of the part downstream of a perturbation), board reads, pulses, and time.
/// </summary>
public sealed class TrainingAccount
{
    private readonly Stopwatch _wall = new();

    /// <summary>Training steps taken.</summary>
    public long Steps { get; private set; }
    /// <summary>Examples seen (sum of batch sizes).</summary>
    public long Examples { get; private set; }
    /// <summary>Network evaluations per example: a clean pass counts one, every perturbed evaluation counts one more.</summary>
    public long ForwardPasses { get; private set; }
    /// <summary>Board reads during training (differences of the network's ledger).</summary>
    public LedgerSnapshot Board { get; private set; }
    /// <summary>Wall-clock time spent inside training steps.</summary>
    public TimeSpan Wall => _wall.Elapsed;
    /// <summary>Estimated board-busy time of training (reads, pulses, measurements), from the ledger.</summary>
    public TimeSpan BoardTime => TimeSpan.FromSeconds(Board.BusySeconds);

    /// <summary>Starts timing a step; dispose the result to stop.</summary>
    public StepTimer Time() => new(_wall);

    public void AddStep(int examples) { Steps++; Examples += examples; }
    public void AddForwardPasses(long passes) => ForwardPasses += passes;
    public void AddBoard(LedgerSnapshot delta) => Board += delta;

    /// <summary>Times a region of code into the account's wall clock.</summary>
    public readonly struct StepTimer : IDisposable
    {
        private readonly Stopwatch _watch;
        internal StepTimer(Stopwatch watch) { _watch = watch; _watch.Start(); }
        public void Dispose() => _watch.Stop();
    }
}

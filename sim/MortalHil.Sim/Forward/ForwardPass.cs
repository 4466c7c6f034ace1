using MortalHil.Core.Devices;
using MortalHil.Sim.Physics;

namespace MortalHil.Sim.Forward;

/// <summary>
/// One batched read of a window, end to end, in two parallel phases with no allocation once warm:
/// (1) row DACs fused with packing the inputs (and packing the window's conductances if they changed since
/// they were last packed); (2) the product, with the output periphery applied to each register tile as it
/// finishes. Each worker owns a contiguous range of tiles (<see cref="AnalogMatMul.Split"/>).
/// </summary>
internal sealed unsafe class ForwardPass
{
    /// <summary>Below this many multiply-adds a second thread costs more than it saves.</summary>
    internal static long ParallelMultiplyAdds = 1_000_000;

    private readonly ReadoutChain _readout;
    private readonly PackedWeightCache _weights = new();
    private readonly PinnedBuffer _inputs = new(), _sigma = new(), _columnParams = new();
    private readonly Action<int> _packWorker, _productWorker, _packThenProductWorker;
    private readonly int _processors = Environment.ProcessorCount;

    [ThreadStatic] private static PinnedBuffer? _rowScratch;

    // State of the read in progress, for the workers.
    private GemmShape _shape;
    private AnalogMatMul.Kernel _kernel;
    private float* _volts, _amps, _weightsSource, _packedWeights;
    private int _weightsStride, _workers;
    private bool _packWeights, _packInputs;
    private float _noiseMultiplier;
    private ReadoutEpilogue _epilogue;

    public ForwardPass(ReadoutChain readout)
    {
        _readout = readout;
        _packWorker = PackWorker;
        _productWorker = ProductWorker;
        _packThenProductWorker = t => { PackWorker(t); ProductWorker(t); };
    }

    /// <summary>Kernel used for every read; tests force each one.</summary>
    public AnalogMatMul.Kernel Kernel { get; set; } = AnalogMatMul.Kernel.Auto;

    /// <summary>Upper bound on worker threads (0: one per processor); results do not depend on it.</summary>
    public int MaxThreads { get; set; }

    /// <summary>
    /// Reads with fewer multiply-adds than this run on the calling thread. Default 2 million (about 50 us on one
    /// core): below it a second thread costs more than it saves, as each fork and join of the thread pool costs
    /// microseconds even on an idle machine.
    /// </summary>
    public long ParallelFromMultiplyAdds { get; set; } = 2_000_000;

    /// <summary>
    /// Reads <paramref name="window"/> of <paramref name="tile"/>, whose effective conductances are at
    /// <paramref name="tileVersion"/> (a number that changes whenever they do).
    /// </summary>
    public void Read(TileCells tile, long tileVersion, CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps,
        AnalogActivation activation, float noiseMultiplier, ulong readKey)
    {
        int rows = window.RowCount, cols = window.ColumnCount, batch = inputVolts.Length / rows;
        _kernel = AnalogMatMul.Resolve(Kernel);
        var s = _shape = AnalogMatMul.Shape(batch, rows, cols, _kernel);
        _noiseMultiplier = noiseMultiplier;
        float* sigma = _sigma.Ensure(s.PaddedBatch);
        for (int b = batch; b < s.PaddedBatch; b++) sigma[b] = 0f;
        float* columns = _columnParams.Ensure(3 * s.PaddedN);
        PadColumns(tile.ColumnOffsetAmps.AsSpan(window.Column0, cols), columns, s.PaddedN);
        PadColumns(tile.NeuronGain.AsSpan(window.Column0, cols), columns + s.PaddedN, s.PaddedN);
        PadColumns(tile.NeuronOffsetAmps.AsSpan(window.Column0, cols), columns + 2 * s.PaddedN, s.PaddedN);
        _epilogue = new ReadoutEpilogue(_readout, columns, columns + s.PaddedN, columns + 2 * s.PaddedN, sigma, new ReadNoise(readKey),
            cols, activation);
        _inputs.Ensure(s.PackedXLength);
        _packInputs = AnalogMatMul.PackingInputsPays(s);
        _packedWeights = _weights.Get(window, s.Nr, s.TailWidth, tileVersion, s.PackedWLength, out _packWeights);

        int threads = MaxThreads > 0 ? MaxThreads : _processors;
        _workers = s.MultiplyAdds >= ParallelFromMultiplyAdds ? Math.Max(1, threads) : 1;
        try
        {
            fixed (float* volts = inputVolts, amps = outputAmps, effective = tile.Effective)
            {
                _volts = volts; _amps = amps;
                _weightsSource = effective + (long)window.Row0 * tile.Columns + window.Column0;
                _weightsStride = tile.Columns;
                if (_workers == 1)
                {
                    PackWorker(0);
                    ProductWorker(0);
                }
                else if (AnalogMatMul.SplitsByRows(s, _workers) && !_packWeights)
                {
                    // Each worker's tiles need only the inputs it converts itself: one fork and join.
                    Parallel.For(0, _workers, _packThenProductWorker);
                }
                else
                {
                    Parallel.For(0, _workers, _packWorker);
                    Parallel.For(0, _workers, _productWorker);
                }
            }
        }
        catch
        {
            _weights.Clear(); // a pack may have stopped half way
            throw;
        }
        finally
        {
            _volts = _amps = _weightsSource = null;
        }
    }

    private static void PadColumns(ReadOnlySpan<float> values, float* padded, int length)
    {
        values.CopyTo(new Span<float>(padded, values.Length));
        new Span<float>(padded + values.Length, length - values.Length).Clear();
    }

    /// <summary>Phase 1 for worker <paramref name="t"/>: DACs and packing of its input micro-panels, and of its weight micro-panels if stale.</summary>
    private void PackWorker(int t)
    {
        const int Mr = GemmShape.Mr;
        var s = _shape;
        int k = s.K;
        float* sigma = _sigma.Pointer;
        int ipFrom = (int)((long)s.RowPanels * t / _workers), ipTo = (int)((long)s.RowPanels * (t + 1) / _workers);
        // Packed: each panel's DAC outputs go through a small scratch; in place: straight into the row-major inputs.
        float* scratch = _packInputs ? (_rowScratch ??= new PinnedBuffer()).Ensure(Mr * k) : null;
        for (int ip = ipFrom; ip < ipTo; ip++)
        {
            int b0 = ip * Mr, valid = Math.Min(Mr, s.Batch - b0);
            float* applied = _packInputs ? scratch : _inputs.Pointer + (long)b0 * k;
            for (int r = 0; r < valid; r++)
            {
                float sumSquares = _readout.Dac(new ReadOnlySpan<float>(_volts + (long)(b0 + r) * k, k), new Span<float>(applied + (long)r * k, k));
                sigma[b0 + r] = _readout.Sigma(sumSquares, _noiseMultiplier);
            }
            if (_packInputs) OperandPacking.PackInputs(s, scratch, k, valid, _inputs.Pointer, ip);
            else new Span<float>(applied + (long)valid * k, (Mr - valid) * k).Clear();
        }
        if (_packWeights)
        {
            int jpFrom = (int)((long)s.ColumnPanels * t / _workers), jpTo = (int)((long)s.ColumnPanels * (t + 1) / _workers);
            OperandPacking.PackWeights(s, _weightsSource, _weightsStride, _packedWeights, jpFrom, jpTo);
        }
    }

    /// <summary>Phase 2 for worker <paramref name="t"/>: its tiles of the product, each finished by the periphery.</summary>
    private void ProductWorker(int t)
    {
        var epilogue = _epilogue;
        var inputs = _packInputs ? AnalogMatMul.Inputs.PackedPanels(_inputs.Pointer) : AnalogMatMul.Inputs.RowMajor(_inputs.Pointer, _shape.K);
        AnalogMatMul.Compute(_shape, _kernel, inputs, _packedWeights, _amps, _shape.N, AnalogMatMul.Split(_shape, _workers, t), ref epilogue);
    }
}

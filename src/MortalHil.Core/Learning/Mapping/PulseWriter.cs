using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// Turns desired changes of effective weights into programming pulses on both devices of each pair:
/// a positive change potentiates G+ and depresses G− by the same count (a negative change the reverse),
/// so the two devices' soft-bound asymmetries partly cancel and wear is shared (the differential scheme
/// of aihwkit's "transfer"/"mixed-precision" compounds; Gokmen &amp; Vlasov 2016 for rank-1 pulsing).
/// Counts come from the measured <see cref="PulseCalibration"/> by unbiased stochastic rounding, so
/// changes much smaller than one pulse still happen on average.
/// </summary>
public sealed class PulseWriter
{
    private readonly MappedNetwork _net;
    private readonly SeededRandom _rng;
    private readonly int _maxPerRequest;
    private readonly int _maxSlots;
    private float[] _accumulator = [];
    private readonly Dictionary<LayerBlock, float[]> _residuals = new();
    private ulong[] _rowTrains = [], _colTrains = [];
    private sbyte[] _rowPolarity = [], _colPolarity = [];

    public PulseWriter(MappedNetwork net, UpdateMode mode, SeededRandom rng)
    {
        _net = net;
        _rng = rng;
        var caps = net.Description.Capabilities;
        Mode = mode == UpdateMode.Auto ? (caps.OuterProductPulses ? UpdateMode.OuterProduct : UpdateMode.CellPulses) : mode;
        if (Mode == UpdateMode.OuterProduct && !caps.OuterProductPulses)
            throw new DeviceLimitException("board does not support outer-product pulsing; use per-cell updates");
        _maxPerRequest = net.Description.Limits.MaxPulsesPerCellPerRequest;
        _maxSlots = Math.Min(64, _maxPerRequest);
    }

    /// <summary>
    /// Accumulated mode: a weight is written only once its accumulated change reaches this many pair pulses
    /// (at least 1). Fewer, larger writes: on devices whose write noise is redrawn at every write, each write
    /// costs the same noise whatever its size.
    /// </summary>
    public float TransferThreshold { get; set; } = 1f;

    /// <summary>
    /// Accumulated mode: send a block's whole pulses only on every n-th update (the accumulator keeps adding in
    /// between), as aihwkit's transfer_every does. Fewer, larger programming requests; each request has a fixed
    /// cost on real boards (and on the simulator).
    /// </summary>
    public int TransferEvery { get; set; } = 1;
    private readonly Dictionary<LayerBlock, int> _updatesSinceTransfer = new();

    /// <summary>The mode in use (never <see cref="UpdateMode.Auto"/>).</summary>
    public UpdateMode Mode { get; }
    /// <summary>Updates whose size exceeded what one request can carry and were clipped.</summary>
    public long ClippedUpdates { get; private set; }

    /// <summary>Where one block's cells sit inside a coalesced request: counts[(RowOffset + r) * Stride + ColumnOffset + c].</summary>
    private readonly record struct BlockView(short[] Counts, int Stride, int RowOffset, int ColumnOffset);

    /// <summary>Per-tile requests being assembled: one bounding window per tile covering all the layer's blocks there.</summary>
    private readonly Dictionary<int, (CrossbarWindow Window, short[] Counts, bool Dirty)> _pending = new();

    /// <summary>Starts one coalesced per-cell request per tile for the blocks of <paramref name="layer"/> (cells outside blocks get 0 pulses).</summary>
    private void BeginCells(MappedLayer layer)
    {
        _pending.Clear();
        foreach (var g in layer.Blocks.GroupBy(b => b.Window.Tile))
        {
            int r0 = g.Min(b => b.Window.Row0), r1 = g.Max(b => b.Window.Row0 + b.Window.RowCount);
            int c0 = g.Min(b => b.Window.Column0), c1 = g.Max(b => b.Window.Column0 + b.Window.ColumnCount);
            var w = new CrossbarWindow(g.Key, r0, r1 - r0, c0, c1 - c0);
            _pending[g.Key] = (w, new short[w.CellCount], false);
        }
    }

    private BlockView View(LayerBlock block, bool dirty)
    {
        var (w, counts, wasDirty) = _pending[block.Window.Tile];
        if (dirty && !wasDirty) _pending[block.Window.Tile] = (w, counts, true);
        return new BlockView(counts, w.ColumnCount, block.Window.Row0 - w.Row0, block.Window.Column0 - w.Column0);
    }

    private void FlushCells()
    {
        foreach (var (_, (w, counts, dirty)) in _pending)
            if (dirty) SendCells(w, counts);
        _pending.Clear();
    }

    private PulseRequest NextRequest() => new(_net.Ids.Next(), _net.Pulse.AmplitudeVolts, _net.Pulse.WidthSeconds);

    /// <summary>
    /// Per-cell modes: the device that moves down gets Up/Down times as many pulses as the one that moves up (the
    /// measured ratio, stochastically rounded), so both move by the same conductance and the pair's common mode
    /// stays put. Without it every write of an asymmetric device (up step ≠ down step) pushes both devices the same
    /// way, towards a bound, whatever the sign of the change. Outer-product trains cannot give the two columns of a
    /// pair different counts and stay unbalanced.
    /// </summary>
    public bool Balanced { get; set; } = true;

    private bool BalancedNow => Balanced && Mode != UpdateMode.OuterProduct;

    /// <summary>Effective-weight change of one pair pulse on <paramref name="layer"/>.</summary>
    public float PairStepWeight(MappedLayer layer) =>
        layer.WeightScale * (BalancedNow ? 2f * _net.Pulse.UpSiemens : _net.Pulse.PairStepSiemens) / _net.SpanSiemens;

    /// <summary>
    /// Gradient step ΔW = −(<paramref name="learningRate"/>/batch) Σ_b x_b δ_bᵀ on every block of the layer,
    /// as one rank-1 update per example (outer-product mode) or one per-cell request per block.
    /// </summary>
    public void ApplyGradientStep(MappedLayer layer, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, int batch, float learningRate)
    {
        if (learningRate == 0) return;
        float kappa = learningRate / (batch * PairStepWeight(layer)); // expected pair pulses per unit of x·δ
        if (Mode == UpdateMode.OuterProduct)
        {
            foreach (var block in layer.Blocks)
                for (int b = 0; b < batch; b++)
                    OuterProductExample(block, x.Slice(b * layer.Inputs + block.InputStart, block.InputCount),
                        delta.Slice(b * layer.Outputs + block.OutputStart, block.OutputCount), kappa);
            return;
        }
        BeginCells(layer);
        foreach (var block in layer.Blocks)
            CellPulsesBlock(block, layer, x, delta, batch, kappa, Mode == UpdateMode.Accumulated);
        FlushCells();
    }

    /// <summary>Host-side residual of a block in pair pulses (accumulated mode), or null.</summary>
    public float[]? Residual(LayerBlock block) => _residuals.GetValueOrDefault(block);

    /// <summary>Applies a dense change of effective weights (inputs x outputs, row-major) as per-cell pulses; weights no block holds are ignored.</summary>
    public void ApplyWeightChange(MappedLayer layer, ReadOnlySpan<float> deltaW)
    {
        if (deltaW.Length != layer.Inputs * layer.Outputs) throw new ArgumentException("weight change must be inputs x outputs");
        float perPulse = 1f / PairStepWeight(layer);
        BeginCells(layer);
        foreach (var block in layer.Blocks)
        {
            var view = View(block, dirty: true);
            for (int i = 0; i < block.InputCount; i++)
            for (int j = 0; j < block.OutputCount; j++)
                SetPair(block, view, i, j, Clip(_rng.StochasticRound(deltaW[(block.InputStart + i) * layer.Outputs + block.OutputStart + j] * perPulse)));
        }
        FlushCells();
    }

    /// <summary>
    /// Every weight (i, j) of the layer gets <paramref name="pairPulses"/> · rowSign[i] · columnSign[j] pair pulses
    /// (a rank-1 sign pattern, e.g. a weight-perturbation direction). Split into several requests if needed.
    /// </summary>
    public void ApplySignPattern(MappedLayer layer, ReadOnlySpan<sbyte> rowSigns, ReadOnlySpan<sbyte> columnSigns, int pairPulses)
    {
        if (rowSigns.Length != layer.Inputs || columnSigns.Length != layer.Outputs) throw new ArgumentException("one sign per input and per output");
        int direction = Math.Sign(pairPulses);
        int remaining = Math.Abs(pairPulses);
        while (remaining > 0)
        {
            int n = Math.Min(remaining, Mode == UpdateMode.OuterProduct ? _maxSlots : _maxPerRequest);
            remaining -= n;
            if (Mode != UpdateMode.OuterProduct) BeginCells(layer);
            foreach (var block in layer.Blocks)
            {
                if (Mode == UpdateMode.OuterProduct)
                {
                    ulong train = n == 64 ? ulong.MaxValue : (1UL << n) - 1;
                    var w = block.Window;
                    var (rt, rp, ct, cp) = Trains(w);
                    for (int i = 0; i < block.InputCount; i++)
                        SetRow(block, rt, rp, i, train, (sbyte)(rowSigns[block.InputStart + i] * direction));
                    for (int j = 0; j < block.OutputCount; j++)
                        SetColumn(block, ct, cp, j, train, columnSigns[block.OutputStart + j]);
                    SendOuter(w, n, rt, rp, ct, cp);
                }
                else
                {
                    var view = View(block, dirty: true);
                    for (int i = 0; i < block.InputCount; i++)
                    for (int j = 0; j < block.OutputCount; j++)
                        SetPair(block, view, i, j, n * direction * rowSigns[block.InputStart + i] * columnSigns[block.OutputStart + j]);
                }
            }
            if (Mode != UpdateMode.OuterProduct) FlushCells();
        }
    }

    private void CellPulsesBlock(LayerBlock block, MappedLayer layer, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, int batch, float kappa, bool accumulate)
    {
        int nIn = block.InputCount, nOut = block.OutputCount;
        var acc = Accumulator(nIn * nOut);
        acc.Clear();
        for (int b = 0; b < batch; b++)
        {
            var xb = x.Slice(b * layer.Inputs + block.InputStart, nIn);
            var db = delta.Slice(b * layer.Outputs + block.OutputStart, nOut);
            for (int i = 0; i < nIn; i++)
            {
                float xi = xb[i];
                if (xi == 0) continue;
                var row = acc.Slice(i * nOut, nOut);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(db, xi, row, row);
            }
        }
        bool any = false;
        if (accumulate)
        {
            if (!_residuals.TryGetValue(block, out var residual)) _residuals[block] = residual = new float[nIn * nOut];
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(acc, -kappa, residual, residual);
            int since = _updatesSinceTransfer.GetValueOrDefault(block) + 1;
            if (since < TransferEvery)
            {
                _updatesSinceTransfer[block] = since;
                return;
            }
            _updatesSinceTransfer[block] = 0;
            float threshold = MathF.Max(1f, TransferThreshold);
            BlockView view = default;
            for (int i = 0; i < nIn; i++)
            for (int j = 0; j < nOut; j++)
            {
                ref float r = ref residual[i * nOut + j];
                if (r > -threshold && r < threshold) continue;
                int n = Clip((int)r); // whole pulses only; the fraction stays on the host
                r -= n;
                if (!any) { view = View(block, dirty: true); any = true; }
                SetPair(block, view, i, j, n);
            }
        }
        else
        {
            BlockView view = default;
            for (int i = 0; i < nIn; i++)
            for (int j = 0; j < nOut; j++)
            {
                int n = Clip(_rng.StochasticRound(-kappa * acc[i * nOut + j]));
                if (n == 0) continue;
                if (!any) { view = View(block, dirty: true); any = true; }
                SetPair(block, view, i, j, n);
            }
        }
    }

    private void OuterProductExample(LayerBlock block, ReadOnlySpan<float> x, ReadOnlySpan<float> delta, float kappa)
    {
        float xmax = 0, dmax = 0;
        foreach (var v in x) xmax = MathF.Max(xmax, MathF.Abs(v));
        foreach (var v in delta) dmax = MathF.Max(dmax, MathF.Abs(v));
        if (xmax == 0 || dmax == 0) return;
        float largest = kappa * xmax * dmax; // expected pair pulses of the most-changed weight
        int slots = Math.Clamp((int)MathF.Ceiling(largest), 1, _maxSlots);
        if (largest > slots) ClippedUpdates++;
        var w = block.Window;
        var (rt, rp, ct, cp) = Trains(w);
        bool anyRow = false, anyColumn = false;
        for (int i = 0; i < x.Length; i++)
        {
            float p = MathF.Abs(x[i]) / xmax;
            ulong train = p > 0 ? Bernoulli(p, slots) : 0;
            anyRow |= train != 0;
            SetRow(block, rt, rp, i, train, (sbyte)MathF.Sign(x[i]));
        }
        float qScale = kappa * xmax / slots;
        for (int j = 0; j < delta.Length; j++)
        {
            float q = MathF.Min(1f, MathF.Abs(delta[j]) * qScale);
            ulong train = q > 0 ? Bernoulli(q, slots) : 0;
            anyColumn |= train != 0;
            SetColumn(block, ct, cp, j, train, (sbyte)-MathF.Sign(delta[j])); // descent: opposite to δ
        }
        if (anyRow && anyColumn) SendOuter(w, slots, rt, rp, ct, cp);
    }

    private ulong Bernoulli(float p, int slots)
    {
        if (p >= 1f) return slots == 64 ? ulong.MaxValue : (1UL << slots) - 1;
        ulong train = 0;
        for (int t = 0; t < slots; t++)
            if (_rng.NextFloat() < p) train |= 1UL << t;
        return train;
    }

    private static void SetRow(LayerBlock block, ulong[] trains, sbyte[] polarity, int i, ulong train, sbyte sign)
    {
        if (block.Pairs == PairOrientation.Columns)
        {
            trains[i] = train;
            polarity[i] = sign;
        }
        else
        {
            trains[2 * i] = train; polarity[2 * i] = sign;
            trains[2 * i + 1] = train; polarity[2 * i + 1] = (sbyte)-sign;
        }
    }

    private static void SetColumn(LayerBlock block, ulong[] trains, sbyte[] polarity, int j, ulong train, sbyte sign)
    {
        if (block.Pairs == PairOrientation.Rows)
        {
            trains[j] = train;
            polarity[j] = sign;
        }
        else
        {
            trains[2 * j] = train; polarity[2 * j] = sign;
            trains[2 * j + 1] = train; polarity[2 * j + 1] = (sbyte)-sign;
        }
    }

    private void SetPair(LayerBlock block, BlockView view, int i, int j, int n)
    {
        var (r, c, rm, cm) = block.CellsOf(i, j);
        var counts = view.Counts;
        int cols = view.Stride;
        r += view.RowOffset; rm += view.RowOffset; c += view.ColumnOffset; cm += view.ColumnOffset;
        int plus = n, minus = -n;
        if (BalancedNow && n != 0)
        {
            float ratio = _net.Pulse.UpSiemens / _net.Pulse.DownSiemens;
            int down = Math.Min(_maxPerRequest, _rng.StochasticRound(Math.Abs(n) * ratio));
            if (n > 0) minus = -down; else plus = -down;
        }
        counts[r * cols + c] = (short)plus;
        counts[rm * cols + cm] = (short)minus;
    }

    private int Clip(int n)
    {
        if (n > _maxPerRequest) { ClippedUpdates++; return _maxPerRequest; }
        if (n < -_maxPerRequest) { ClippedUpdates++; return -_maxPerRequest; }
        return n;
    }

    private void SendCells(CrossbarWindow w, Span<short> counts)
    {
        var request = NextRequest();
        var receipt = _net.Device.ApplyCellPulses(request, w, counts);
        _net.Ledger.RecordCellPulses(request, w, counts, receipt);
    }

    private void SendOuter(CrossbarWindow w, int slots, ulong[] rt, sbyte[] rp, ulong[] ct, sbyte[] cp)
    {
        var trains = new OuterProductTrains(slots, rt.AsSpan(0, w.RowCount), rp.AsSpan(0, w.RowCount), ct.AsSpan(0, w.ColumnCount), cp.AsSpan(0, w.ColumnCount));
        var request = NextRequest();
        var receipt = _net.Device.ApplyOuterProductPulses(request, w, trains);
        _net.Ledger.RecordOuterProduct(request, w, trains, receipt);
    }

    private Span<float> Accumulator(int n)
    {
        if (_accumulator.Length < n) _accumulator = new float[n];
        return _accumulator.AsSpan(0, n);
    }

    private (ulong[], sbyte[], ulong[], sbyte[]) Trains(CrossbarWindow w)
    {
        if (_rowTrains.Length < w.RowCount) { _rowTrains = new ulong[w.RowCount]; _rowPolarity = new sbyte[w.RowCount]; }
        if (_colTrains.Length < w.ColumnCount) { _colTrains = new ulong[w.ColumnCount]; _colPolarity = new sbyte[w.ColumnCount]; }
        return (_rowTrains, _rowPolarity, _colTrains, _colPolarity);
    }
}

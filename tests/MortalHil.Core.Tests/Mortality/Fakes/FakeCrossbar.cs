using MortalHil.Core.Devices;
using MortalHil.Core.Tests.Devices;

namespace MortalHil.Core.Tests.Mortality.Fakes;

/// <summary>
/// A hand-written test board: linear pulse response with a per-cell step, hard bounds, stuck cells,
/// Gaussian measurement noise, linear drift towards Gmin, and a clock. Not the simulator: just
/// enough physics for the monitor to have something to find.
/// </summary>
internal sealed class FakeCrossbar : IDevice
{
    private readonly float[] _g;       // [tile][row][col]
    private readonly float[] _step;    // siemens per pulse
    private readonly bool[] _stuck;
    private readonly Random _rng;
    private readonly MortalHil.Testing.PulseLedger _ledger = new();
    private readonly long[] _cellPulses;
    private long _totalPulses, _reads;

    public FakeCrossbar(int seed = 1, float stepFraction = 0.01f, double measureNoiseFraction = 0.001)
    {
        Description = TestDescriptions.Small(outerProduct: false); // it has no outer-product pulsing, so it must not claim it
        int n = Description.TileCount * Description.Geometry.Cells;
        _g = new float[n];
        _step = new float[n];
        _stuck = new bool[n];
        _cellPulses = new long[n];
        _rng = new Random(seed);
        float range = Description.GMaxSiemens - Description.GMinSiemens;
        for (int i = 0; i < n; i++)
        {
            _g[i] = Description.GMinSiemens + range * (0.3f + 0.4f * (float)_rng.NextDouble());
            _step[i] = stepFraction * range;
        }
        MeasureNoiseSiemens = measureNoiseFraction * range;
    }

    public DeviceDescription Description { get; }
    public double MeasureNoiseSiemens { get; set; }
    /// <summary>Conductance lost per hour, as a share of the window (all cells, towards Gmin).</summary>
    public double DriftPerHour { get; set; }
    public TimeSpan Uptime { get; private set; }
    public bool Dead { get; set; }
    /// <summary>Every cell index that ever received a pulse.</summary>
    public HashSet<int> PulsedCells { get; } = [];

    public int Index(int tile, int row, int col) => (tile * Description.Geometry.Rows + row) * Description.Geometry.Columns + col;
    public void MakeStuck(int tile, int row, int col, bool atMax)
    {
        int i = Index(tile, row, col);
        _stuck[i] = true;
        _g[i] = atMax ? Description.GMaxSiemens : Description.GMinSiemens;
    }
    public void SetStep(float fraction) { for (int i = 0; i < _step.Length; i++) _step[i] = fraction * (Description.GMaxSiemens - Description.GMinSiemens); }
    public float Conductance(int tile, int row, int col) => _g[Index(tile, row, col)];

    public void AdvanceTime(TimeSpan dt)
    {
        Uptime += dt;
        float range = Description.GMaxSiemens - Description.GMinSiemens;
        for (int i = 0; i < _g.Length; i++)
            if (!_stuck[i]) _g[i] = MathF.Max(Description.GMinSiemens, _g[i] - (float)(DriftPerHour * dt.TotalHours) * range);
    }

    private void Alive() { if (Dead) throw new DeviceFailedException("fake board died"); }

    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        Alive();
        int batch = DeviceGuards.CheckRead(Description, window, inputVolts, outputAmps, activation);
        _reads++;
        for (int b = 0; b < batch; b++)
            for (int c = 0; c < window.ColumnCount; c++)
            {
                float sum = 0;
                for (int r = 0; r < window.RowCount; r++)
                    sum += inputVolts[b * window.RowCount + r] * _g[Index(window.Tile, window.Row0 + r, window.Column0 + c)];
                // It describes ReLU neurons, so it must apply them when asked (the conformance suite checks).
                outputAmps[b * window.ColumnCount + c] = activation == AnalogActivation.Relu ? MathF.Max(0, sum) : sum;
            }
    }

    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        Alive();
        long total = DeviceGuards.CheckCellPulses(Description, request, window, counts);
        var copy = counts.ToArray();
        return _ledger.Apply(request.Id, () => Apply(window, copy, total));
    }

    private long Apply(CrossbarWindow window, short[] counts, long total)
    {
        for (int r = 0; r < window.RowCount; r++)
            for (int c = 0; c < window.ColumnCount; c++)
            {
                int k = counts[r * window.ColumnCount + c];
                if (k == 0) continue;
                int i = Index(window.Tile, window.Row0 + r, window.Column0 + c);
                PulsedCells.Add(i);
                _cellPulses[i] += Math.Abs(k);
                if (_stuck[i]) continue;
                _g[i] = Math.Clamp(_g[i] + k * _step[i], Description.GMinSiemens, Description.GMaxSiemens);
            }
        _totalPulses += total;
        return total;
    }

    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains) =>
        throw new DeviceLimitException("fake board has no outer-product pulsing");

    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        Alive();
        DeviceGuards.CheckMeasure(Description, window, siemens);
        for (int r = 0; r < window.RowCount; r++)
            for (int c = 0; c < window.ColumnCount; c++)
            {
                double u = 1 - _rng.NextDouble(), v = _rng.NextDouble();
                double z = Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
                siemens[r * window.ColumnCount + c] = _g[Index(window.Tile, window.Row0 + r, window.Column0 + c)] + (float)(z * MeasureNoiseSiemens);
            }
    }

    public DeviceHealth ReadHealth()
    {
        Alive();
        return new DeviceHealth
        {
            Alive = true, Temperature = UnitsNet.Temperature.FromDegreesCelsius(30), Uptime = Uptime,
            TotalPulses = _totalPulses, MaxCellPulses = _cellPulses.Max(), TotalReads = _reads, SelfTestPassed = true,
        };
    }

    public void Dispose() { }
}

using MortalHil.Core.Randomness;
using System.Numerics;
using MortalHil.Core.Devices;
using MortalHil.Sim.Forward;
using MortalHil.Sim.Physics;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;
using UnitsNet;

namespace MortalHil.Sim;

/// <summary>
/// A crossbar board in software behind <see cref="IDevice"/>. Its hidden physics are drawn from
/// (preset, serial number, seed) and are reachable only through the contract. It keeps a simulated
/// clock that callers advance explicitly (<see cref="AdvanceTime"/>); drift, 1/f noise and ageing
/// follow it. Same preset, serial, seed and calls give bit-identical results.
/// </summary>
public sealed partial class SimulatedBoard : IDevice
{
    private const double SecondsPerYear = 365.25 * 24 * 3600;

    private readonly DevicePreset _preset;
    private readonly ulong _seed;
    private readonly ulong _key;
    private readonly TileCells[] _tiles;
    private readonly PulseResponse _pulseResponse;
    private readonly DriftModel _drift;
    private readonly WearModel _wear;
    private readonly ConductanceModel _conductance;
    private readonly PulseLedger _ledger = new();
    private readonly double _suddenDeathSeconds;

    private long _clockTicks;
    private ulong _readCount, _measureCount, _timeEpoch;
    private Xoshiro256StarStar _pulseRng;
    private long _totalPulses, _totalReads, _maxCellPulses;
    private long _stuckCells; // kept as cells stick, so the end-of-life check after every pulse costs nothing
    private readonly long _cellCount;
    private string? _deathReason;

    private readonly ForwardPass _forward;
    private readonly EffectiveConductances[] _effective;

    private SimulatedBoard(DevicePreset preset, string serialNumber, ulong seed, TileCells[]? tiles)
    {
        DevicePresetValidator.Validate(preset);
        if (string.IsNullOrWhiteSpace(serialNumber)) throw new ArgumentException("serial number must be non-empty", nameof(serialNumber));
        _preset = preset;
        _seed = seed;
        _key = BoardManufacture.Key(preset.Name, serialNumber, seed);
        _tiles = tiles ?? Enumerable.Range(0, preset.Geometry.Tiles).Select(t => BoardManufacture.Build(preset, _key, t)).ToArray();
        _pulseResponse = new PulseResponse(preset);
        _drift = new DriftModel(preset);
        _wear = new WearModel(preset);
        _conductance = new ConductanceModel(preset, _drift);
        _forward = new ForwardPass(new ReadoutChain(preset));
        _effective = _tiles.Select(t => new EffectiveConductances(t, preset.IrDrop)).ToArray();
        _suddenDeathSeconds = BoardManufacture.SuddenDeathSeconds(preset, _key);
        _pulseRng = new Xoshiro256StarStar(StableHash.Hash(_key, RandomStreams.PulseNoise, 0));
        Description = Describe(preset, serialNumber);
        Description.AnalogChain?.Validate(Description);
        InitChain();
        _stuckCells = _tiles.Sum(t => (long)t.StuckCount());
        _cellCount = _tiles.Sum(t => (long)t.Count);
        if (tiles is null)
            foreach (var t in _tiles)
                for (int i = 0; i < t.Count; i++) t.Nu[i] = _drift.ExponentAfterWrite(t, i);
    }

    /// <summary>Manufactures the board <paramref name="serialNumber"/> of kind <paramref name="preset"/>.</summary>
    /// <param name="preset">Device physics and datasheet (see <see cref="BuiltInPresets"/>).</param>
    /// <param name="serialNumber">Same serial, same board; another serial, another board.</param>
    /// <param name="seed">Further seed, for families of boards with the same serial (default 0).</param>
    public static SimulatedBoard Create(DevicePreset preset, string serialNumber, ulong seed = 0)
    {
        var board = new SimulatedBoard(preset, serialNumber, seed, null);
        board.RefreshAll();
        return board;
    }

    /// <inheritdoc/>
    public DeviceDescription Description { get; }

    /// <summary>The board's own clock: time since manufacture.</summary>
    public TimeSpan Now => new(_clockTicks);

    private double NowSeconds => _clockTicks / (double)TimeSpan.TicksPerSecond;

    /// <summary>
    /// Lets simulated time pass: conductances drift, 1/f noise moves on and, with ageing on, cells
    /// stick, read noise rises and the board may die. Deterministic; one long step equals many short ones
    /// except for the 1/f noise samples.
    /// </summary>
    public void AdvanceTime(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(elapsed), "time only runs forward");
        if (elapsed == TimeSpan.Zero) return;
        _clockTicks = checked(_clockTicks + elapsed.Ticks);
        _timeEpoch++;
        bool changed = _conductance.DependsOnTime;
        if (_preset.Ageing.Enabled) changed |= AgeCells();
        if (changed) RefreshAll();
        CheckEndOfLife();
    }

    /// <summary>True once the board has failed; every <see cref="IDevice"/> call then throws <see cref="DeviceFailedException"/>.</summary>
    public bool IsDead => _deathReason is not null;

    public void Dispose() { }

    /// <summary>Hidden state of one tile, for the simulator's own tests only (internal: invisible to Core and Host).</summary>
    internal TileCells HiddenTile(int tile) => _tiles[tile];

    // ---------------------------------------------------------------- IDevice: read

    /// <inheritdoc/>
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        int batch = DeviceGuards.CheckRead(Description, window, inputVolts, outputAmps, activation);
        ThrowIfDead();
        ulong readKey = StableHash.Hash(_key, RandomStreams.Read, _readCount++);
        _forward.Read(_tiles[window.Tile], _effective[window.Tile].Version, window, inputVolts, outputAmps, activation, ReadNoiseMultiplier(), readKey);
        _totalReads += batch;
    }

    /// <summary>Stuck cells as the board counts them (for the simulator's own tests: it must match the tiles).</summary>
    internal long StuckCells => _stuckCells;

    /// <summary>The read pipeline, for the simulator's own tests and benchmarks (kernel and thread overrides).</summary>
    internal ForwardPass Forward => _forward;

    // ---------------------------------------------------------------- IDevice: pulses

    /// <inheritdoc/>
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        long total = DeviceGuards.CheckCellPulses(Description, request, window, counts);
        ThrowIfDead();
        if (_ledger.TryGet(request.Id, out var first)) return first;
        var tile = _tiles[window.Tile];
        double strength = _pulseResponse.Strength(request.AmplitudeVolts, request.WidthSeconds);
        double now = NowSeconds;
        for (int r = 0; r < window.RowCount; r++)
        {
            int rowBase = (window.Row0 + r) * tile.Columns + window.Column0;
            for (int c = 0; c < window.ColumnCount; c++)
            {
                int count = counts[r * window.ColumnCount + c];
                if (count != 0) PulseCell(tile, rowBase + c, count, strength, now);
            }
        }
        return Finish(request.Id, total, window);
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        DeviceGuards.CheckOuterProduct(Description, request, window, trains);
        ThrowIfDead();
        if (_ledger.TryGet(request.Id, out var first)) return first;
        var tile = _tiles[window.Tile];
        double strength = _pulseResponse.Strength(request.AmplitudeVolts, request.WidthSeconds);
        double now = NowSeconds;
        long total = 0;
        for (int r = 0; r < window.RowCount; r++)
        {
            int rowPolarity = trains.RowPolarity[r];
            ulong rowTrain = trains.RowTrains[r];
            if (rowPolarity == 0 || rowTrain == 0) continue;
            int rowBase = (window.Row0 + r) * tile.Columns + window.Column0;
            for (int c = 0; c < window.ColumnCount; c++)
            {
                int direction = rowPolarity * trains.ColumnPolarity[c];
                if (direction == 0) continue;
                int coincidences = BitOperations.PopCount(rowTrain & trains.ColumnTrains[c]);
                if (coincidences == 0) continue;
                PulseCell(tile, rowBase + c, direction * coincidences, strength, now);
                total += coincidences;
            }
        }
        return Finish(request.Id, total, window);
    }

    private void PulseCell(TileCells tile, int i, int count, double strength, double now)
    {
        if (strength <= 0) return; // below threshold: nothing switches, nothing wears
        _pulseResponse.Apply(tile, i, count, strength, now, _drift, ref _pulseRng);
        bool wasFree = tile.Stuck[i] == TileCells.Free;
        _wear.AfterPulses(tile, i, Math.Abs(count), ref _pulseRng);
        if (wasFree && tile.Stuck[i] != TileCells.Free) _stuckCells++;
        if (tile.Wear[i] > _maxCellPulses) _maxCellPulses = tile.Wear[i];
    }

    private PulseReceipt Finish(ulong id, long total, CrossbarWindow window)
    {
        _totalPulses += total;
        var receipt = new PulseReceipt(id, total, false);
        _ledger.Record(receipt);
        RefreshWindow(window);
        CheckEndOfLife();
        return receipt;
    }

    // ---------------------------------------------------------------- IDevice: measure, health

    /// <inheritdoc/>
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        DeviceGuards.CheckMeasure(Description, window, siemens);
        ThrowIfDead();
        var tile = _tiles[window.Tile];
        // A single-cell read through the measurement path: the same per-cell fluctuation as an array read.
        float sigma = (float)(_preset.Read.NoiseRel * _preset.Conductance.GMaxMicrosiemens * 1e-6) * ReadNoiseMultiplier();
        var rng = new Xoshiro256StarStar(StableHash.Hash(_key, RandomStreams.Measure, _measureCount++));
        for (int r = 0; r < window.RowCount; r++)
        {
            int rowBase = (window.Row0 + r) * tile.Columns + window.Column0;
            for (int c = 0; c < window.ColumnCount; c++)
            {
                float g = tile.Visible[rowBase + c];
                if (sigma > 0) g += sigma * (float)rng.NextGaussian();
                siemens[r * window.ColumnCount + c] = g;
            }
        }
    }

    /// <inheritdoc/>
    public DeviceHealth ReadHealth()
    {
        ThrowIfDead();
        return new DeviceHealth
        {
            Alive = true,
            Temperature = Temperature.FromKelvins(300), // no thermal model: the board sits at room temperature
            Uptime = Now,
            TotalPulses = _totalPulses,
            MaxCellPulses = _maxCellPulses,
            TotalReads = _totalReads,
            // Built-in self test: fails once more than 10% of cells no longer move.
            SelfTestPassed = StuckFraction() < 0.10,
        };
    }

    // ---------------------------------------------------------------- internals

    private void ThrowIfDead()
    {
        if (_deathReason is not null) throw new DeviceFailedException($"board {Description.SerialNumber} has failed: {_deathReason}");
    }

    private float ReadNoiseMultiplier()
        => _preset.Ageing.Enabled ? (float)(1.0 + _preset.Ageing.ReadNoiseGrowthPerYear * NowSeconds / SecondsPerYear) : 1f;

    private double StuckFraction() => _stuckCells / (double)_cellCount;

    private bool AgeCells()
    {
        double now = NowSeconds;
        bool any = false;
        for (int ti = 0; ti < _tiles.Length; ti++)
        {
            var t = _tiles[ti];
            ulong tkey = StableHash.Hash(_key, RandomStreams.AgeStuck, (ulong)ti);
            for (int i = 0; i < t.Count; i++)
            {
                if (t.Stuck[i] == TileCells.Free && t.AgeStuckSeconds[i] <= now)
                {
                    t.Stuck[i] = StableHash.Uniform(tkey, RandomStreams.WearSide, (ulong)i) < 0.5 ? TileCells.StuckLow : TileCells.StuckHigh;
                    _stuckCells++;
                    any = true;
                }
            }
        }
        return any;
    }

    private void CheckEndOfLife()
    {
        if (_deathReason is not null || !_preset.Ageing.Enabled) return;
        if (NowSeconds >= _suddenDeathSeconds)
            _deathReason = $"sudden failure at age {NowSeconds / SecondsPerYear:F2} years";
        else if (StuckFraction() >= _preset.Ageing.DeadStuckFraction)
            _deathReason = $"worn out: {StuckFraction():P1} of cells stuck at age {NowSeconds / SecondsPerYear:F2} years";
    }

    private ConductanceModel.Moment MomentFor(int tile)
        => new(NowSeconds, _drift.AgeingMultiplier(NowSeconds), StableHash.Hash(_key, RandomStreams.Flicker, (_timeEpoch << 8) | (uint)tile));

    private void RefreshAll()
    {
        for (int ti = 0; ti < _tiles.Length; ti++)
        {
            var t = _tiles[ti];
            var m = MomentFor(ti);
            Parallel.For(0, t.Rows, r =>
            {
                int b = r * t.Columns;
                for (int c = 0; c < t.Columns; c++) t.Visible[b + c] = _conductance.Visible(t, b + c, m);
            });
            _effective[ti].RefreshAll();
        }
    }

    private void RefreshWindow(CrossbarWindow w)
    {
        var t = _tiles[w.Tile];
        var m = MomentFor(w.Tile);
        for (int r = w.Row0; r < w.Row0 + w.RowCount; r++)
            for (int c = w.Column0; c < w.Column0 + w.ColumnCount; c++)
                t.Visible[r * t.Columns + c] = _conductance.Visible(t, r * t.Columns + c, m);
        _effective[w.Tile].RefreshWindow(w.Row0, w.RowCount, w.Column0, w.ColumnCount);
    }

    private static DeviceDescription Describe(DevicePreset p, string serial) => new()
    {
        SerialNumber = serial,
        Kind = "sim/" + p.Name,
        Firmware = "mortalhil-sim 1",
        TileCount = p.Geometry.Tiles,
        Geometry = new TileGeometry(p.Geometry.Rows, p.Geometry.Columns),
        Dac = new DacSpec(p.Dac.Bits, ElectricPotential.FromVolts(p.Dac.FullScaleVolts)),
        Adc = new AdcSpec(p.Adc.Bits, ElectricCurrent.FromMicroamperes(p.Adc.FullScaleMicroamps)),
        Limits = new SafeLimits
        {
            MaxReadVoltage = ElectricPotential.FromVolts(p.Read.MaxVolts),
            MaxPulseVoltage = ElectricPotential.FromVolts(p.Pulse.MaxVolts),
            MinPulseWidth = Duration.FromSeconds(p.Pulse.MinWidthSeconds),
            MaxPulseWidth = Duration.FromSeconds(p.Pulse.MaxWidthSeconds),
            MaxPulsesPerCellPerRequest = p.Pulse.MaxPerCellPerRequest,
            MaxBatch = p.Read.MaxBatch,
        },
        NominalConductanceMin = ElectricConductance.FromMicrosiemens(p.Conductance.GMinMicrosiemens),
        NominalConductanceMax = ElectricConductance.FromMicrosiemens(p.Conductance.GMaxMicrosiemens),
        Capabilities = new DeviceCapabilities
        {
            OuterProductPulses = p.Pulse.OuterProduct,
            Activations = p.Neurons.Activations.Select(a => a == "relu" ? AnalogActivation.Relu : AnalogActivation.Tanh).Distinct().ToArray(),
            NominalPulseVoltage = ElectricPotential.FromVolts(p.Pulse.NominalVolts),
            NominalPulseWidth = Duration.FromSeconds(p.Pulse.NominalWidthSeconds),
        },
        AnalogChain = DescribeChain(p),
        Costs = DescribeCosts(p),
    };
}

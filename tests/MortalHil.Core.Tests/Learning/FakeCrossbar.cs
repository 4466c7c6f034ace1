using System.Numerics;
using MortalHil.Core.Devices;
using UnitsNet;

namespace MortalHil.Core.Tests.Learning;

/// <summary>Hidden physics of <see cref="FakeCrossbar"/>; the learner never sees it.</summary>
internal sealed record FakePhysics
{
    public int Tiles { get; init; } = 4;
    public int Rows { get; init; } = 64;
    public int Columns { get; init; } = 64;
    public int DacBits { get; init; } = 16;
    public int AdcBits { get; init; } = 16;
    public double AdcFullScaleMicroamps { get; init; } = 400;
    /// <summary>Conductance change per pulse as a fraction of the window (at mid-window for soft bounds).</summary>
    public float StepFraction { get; init; } = 1f / 1000f;
    /// <summary>Soft bounds: step shrinks linearly towards the bound it moves to.</summary>
    public bool SoftBounds { get; init; }
    /// <summary>Down steps are this factor of up steps.</summary>
    public float DownUpRatio { get; init; } = 1f;
    /// <summary>Cycle-to-cycle noise of a pulse, relative to its step.</summary>
    public float PulseNoise { get; init; }
    /// <summary>Read noise per output, in ADC full-scale fractions.</summary>
    public float ReadNoise { get; init; }
    public float GainSpread { get; init; }
    public float OffsetSpreadMicroamps { get; init; }
    public float MeasureNoiseFraction { get; init; }
    public int MaxBatch { get; init; } = 512;
    public bool OuterProduct { get; init; } = true;
    public int Seed { get; init; } = 7;

    public static FakePhysics Ideal => new();
    public static FakePhysics Noisy => new()
    {
        DacBits = 8, AdcBits = 10, SoftBounds = true, DownUpRatio = 0.75f, PulseNoise = 0.3f, ReadNoise = 0.002f,
        GainSpread = 0.05f, OffsetSpreadMicroamps = 2f, MeasureNoiseFraction = 0.005f, StepFraction = 1f / 600f,
    };
}

/// <summary>
/// A tiny crossbar board for Core's tests: conductances, DAC/ADC quantisation, optional soft-bound
/// asymmetric pulse response, read noise and per-column gain/offset mismatch. Implements the full
/// <see cref="IDevice"/> contract (guards, idempotent pulse ids, outer-product coincidences).
/// </summary>
internal sealed class FakeCrossbar : IDevice
{
    private readonly FakePhysics _p;
    private readonly float[][] _g;
    private readonly float[][] _gain, _offset;
    private readonly Random _rng;
    private readonly MortalHil.Testing.PulseLedger _ledger = new();
    private long _totalPulses, _reads;
    private double _seconds;
    private readonly float _gmin = 1e-6f, _gmax = 100e-6f;

    public FakeCrossbar(FakePhysics physics)
    {
        _p = physics;
        _rng = new Random(physics.Seed);
        Description = new DeviceDescription
        {
            SerialNumber = $"fake-{physics.Seed}",
            Kind = "test/fake",
            Firmware = "0",
            TileCount = physics.Tiles,
            Geometry = new TileGeometry(physics.Rows, physics.Columns),
            Dac = new DacSpec(physics.DacBits, ElectricPotential.FromVolts(0.2)),
            Adc = new AdcSpec(physics.AdcBits, ElectricCurrent.FromMicroamperes(physics.AdcFullScaleMicroamps)),
            Limits = new SafeLimits
            {
                MaxReadVoltage = ElectricPotential.FromVolts(0.2),
                MaxPulseVoltage = ElectricPotential.FromVolts(2.5),
                MinPulseWidth = Duration.FromNanoseconds(10),
                MaxPulseWidth = Duration.FromMicroseconds(100),
                MaxPulsesPerCellPerRequest = 63,
                MaxBatch = physics.MaxBatch,
            },
            NominalConductanceMin = ElectricConductance.FromSiemens(_gmin),
            NominalConductanceMax = ElectricConductance.FromSiemens(_gmax),
            Capabilities = new DeviceCapabilities
            {
                OuterProductPulses = physics.OuterProduct,
                Activations = [],
                NominalPulseVoltage = ElectricPotential.FromVolts(1.5),
                NominalPulseWidth = Duration.FromMicroseconds(1),
            },
        };
        int cells = physics.Rows * physics.Columns;
        _g = Enumerable.Range(0, physics.Tiles).Select(_ => Enumerable.Range(0, cells).Select(_ => _gmin + (float)_rng.NextDouble() * 0.1f * (_gmax - _gmin)).ToArray()).ToArray();
        _gain = Enumerable.Range(0, physics.Tiles).Select(_ => Enumerable.Range(0, physics.Columns).Select(_ => 1f + physics.GainSpread * Gauss()).ToArray()).ToArray();
        _offset = Enumerable.Range(0, physics.Tiles).Select(_ => Enumerable.Range(0, physics.Columns).Select(_ => physics.OffsetSpreadMicroamps * 1e-6f * Gauss()).ToArray()).ToArray();
    }

    public DeviceDescription Description { get; }
    public int PulseCalls => _ledger.Applications;
    /// <summary>Test access to a true conductance (tests only; Core has no such door).</summary>
    public float TrueConductance(int tile, int row, int col) => _g[tile][row * _p.Columns + col];

    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        int batch = DeviceGuards.CheckRead(Description, window, inputVolts, outputAmps, activation);
        _reads += batch;
        _seconds += 1e-7 * batch;
        var g = _g[window.Tile];
        float dacStep = Description.Dac.StepVolts, adcStep = Description.Adc.StepAmps, fs = Description.Adc.FullScaleAmps;
        var v = new float[window.RowCount];
        for (int b = 0; b < batch; b++)
        {
            for (int r = 0; r < window.RowCount; r++) v[r] = MathF.Round(inputVolts[b * window.RowCount + r] / dacStep) * dacStep;
            for (int c = 0; c < window.ColumnCount; c++)
            {
                int col = window.Column0 + c;
                float s = 0;
                for (int r = 0; r < window.RowCount; r++) s += g[(window.Row0 + r) * _p.Columns + col] * v[r];
                float amps = _gain[window.Tile][col] * s + _offset[window.Tile][col] + _p.ReadNoise * fs * Gauss();
                amps = Math.Clamp(MathF.Round(amps / adcStep) * adcStep, -fs, fs);
                outputAmps[b * window.ColumnCount + c] = amps;
            }
        }
    }

    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        DeviceGuards.CheckCellPulses(Description, request, window, counts);
        var copy = counts.ToArray();
        return Record(request.Id, () =>
        {
            long total = 0;
            for (int r = 0; r < window.RowCount; r++)
            for (int c = 0; c < window.ColumnCount; c++)
            {
                int n = copy[r * window.ColumnCount + c];
                total += Math.Abs(n);
                Pulse(window.Tile, window.Row0 + r, window.Column0 + c, n);
            }
            return total;
        });
    }

    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        DeviceGuards.CheckOuterProduct(Description, request, window, trains);
        ulong[] rt = trains.RowTrains.ToArray(), ct = trains.ColumnTrains.ToArray();
        sbyte[] rp = trains.RowPolarity.ToArray(), cp = trains.ColumnPolarity.ToArray();
        return Record(request.Id, () =>
        {
            long total = 0;
            for (int r = 0; r < window.RowCount; r++)
            {
                if (rt[r] == 0 || rp[r] == 0) continue;
                for (int c = 0; c < window.ColumnCount; c++)
                {
                    int n = BitOperations.PopCount(rt[r] & ct[c]) * rp[r] * cp[c];
                    total += Math.Abs(n);
                    Pulse(window.Tile, window.Row0 + r, window.Column0 + c, n);
                }
            }
            return total;
        });
    }

    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        DeviceGuards.CheckMeasure(Description, window, siemens);
        for (int r = 0; r < window.RowCount; r++)
        for (int c = 0; c < window.ColumnCount; c++)
            siemens[r * window.ColumnCount + c] = _g[window.Tile][(window.Row0 + r) * _p.Columns + window.Column0 + c]
                                                  + _p.MeasureNoiseFraction * (_gmax - _gmin) * Gauss();
    }

    public DeviceHealth ReadHealth() => new()
    {
        Alive = true,
        Temperature = Temperature.FromDegreesCelsius(25),
        Uptime = TimeSpan.FromSeconds(_seconds),
        TotalPulses = _totalPulses,
        MaxCellPulses = 0,
        TotalReads = _reads,
        SelfTestPassed = true,
    };

    public void Dispose() { }

    private PulseReceipt Record(ulong id, Func<long> apply) => _ledger.Apply(id, () =>
    {
        long total = apply();
        _totalPulses += total;
        _seconds += 1e-6;
        return total;
    });

    private void Pulse(int tile, int row, int col, int n)
    {
        if (n == 0) return;
        ref float g = ref _g[tile][row * _p.Columns + col];
        float span = _gmax - _gmin, step = _p.StepFraction * span;
        for (int k = 0; k < Math.Abs(n); k++)
        {
            float noise = 1f + _p.PulseNoise * Gauss();
            if (n > 0)
                g += step * noise * (_p.SoftBounds ? 2f * (_gmax - g) / span : 1f);
            else
                g -= step * _p.DownUpRatio * noise * (_p.SoftBounds ? 2f * (g - _gmin) / span : 1f);
            g = Math.Clamp(g, _gmin, _gmax);
        }
    }

    private float Gauss()
    {
        double u1 = 1.0 - _rng.NextDouble(), u2 = _rng.NextDouble();
        return (float)(Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
    }
}

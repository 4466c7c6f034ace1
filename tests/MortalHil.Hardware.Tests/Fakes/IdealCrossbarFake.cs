using MortalHil.Core.Devices;
using UnitsNet;

namespace MortalHil.Hardware.Tests.Fakes;

/// <summary>
/// A tiny ideal crossbar for protocol tests: exact Ohm/Kirchhoff reads (no noise, no quantisation),
/// each pulse moves a cell by a fixed step inside its window, exactly-once by request id.
/// </summary>
internal sealed class IdealCrossbarFake : IDevice
{
    public const float Step = 1e-6f;
    private readonly float[][] _g;
    private readonly MortalHil.Testing.PulseLedger _ledger = new();
    private long _reads, _pulses;
    private readonly long[][] _cellPulses;

    public IdealCrossbarFake(DeviceDescription? description = null)
    {
        Description = description ?? Describe();
        int cells = Description.Geometry.Cells;
        _g = new float[Description.TileCount][];
        _cellPulses = new long[Description.TileCount][];
        var rng = new Random(7);
        for (int t = 0; t < _g.Length; t++)
        {
            _g[t] = new float[cells];
            _cellPulses[t] = new long[cells];
            for (int i = 0; i < cells; i++) _g[t][i] = Description.GMinSiemens + (float)rng.NextDouble() * (Description.GMaxSiemens - Description.GMinSiemens);
        }
    }

    public DeviceDescription Description { get; }
    /// <summary>Calls that applied pulses (not counting recognised repeats).</summary>
    public int PulseApplications => _ledger.Applications;
    public bool Dead { get; set; }

    public float Conductance(int tile, int row, int column) => _g[tile][row * Description.Geometry.Columns + column];

    public static DeviceDescription Describe(int tiles = 2, int rows = 8, int columns = 6, int maxBatch = 64, bool outer = true) => new()
    {
        SerialNumber = "FAKE-1",
        Kind = "test/ideal",
        Firmware = "fake 1.0",
        TileCount = tiles,
        Geometry = new TileGeometry(rows, columns),
        Dac = new DacSpec(8, ElectricPotential.FromVolts(0.2)),
        Adc = new AdcSpec(10, ElectricCurrent.FromMilliamperes(1)),
        Limits = new SafeLimits
        {
            MaxReadVoltage = ElectricPotential.FromVolts(0.2),
            MaxPulseVoltage = ElectricPotential.FromVolts(2.5),
            MinPulseWidth = Duration.FromNanoseconds(10),
            MaxPulseWidth = Duration.FromMicroseconds(100),
            MaxPulsesPerCellPerRequest = 31,
            MaxBatch = maxBatch,
        },
        NominalConductanceMin = ElectricConductance.FromMicrosiemens(1),
        NominalConductanceMax = ElectricConductance.FromMicrosiemens(100),
        Capabilities = new DeviceCapabilities
        {
            OuterProductPulses = outer,
            Activations = [AnalogActivation.Relu],
            NominalPulseVoltage = ElectricPotential.FromVolts(1.5),
            NominalPulseWidth = Duration.FromMicroseconds(1),
        },
    };

    private void Alive()
    {
        if (Dead) throw new DeviceFailedException("fake board died");
    }

    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        int batch = DeviceGuards.CheckRead(Description, window, inputVolts, outputAmps, activation);
        Alive();
        int cols = Description.Geometry.Columns;
        var g = _g[window.Tile];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < window.ColumnCount; j++)
            {
                float sum = 0;
                for (int i = 0; i < window.RowCount; i++)
                    sum += inputVolts[b * window.RowCount + i] * g[(window.Row0 + i) * cols + window.Column0 + j];
                outputAmps[b * window.ColumnCount + j] = activation == AnalogActivation.Relu ? MathF.Max(0, sum) : sum;
            }
        _reads += batch;
    }

    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        long total = DeviceGuards.CheckCellPulses(Description, request, window, counts);
        Alive();
        var countsCopy = counts.ToArray();
        return _ledger.Apply(request.Id, () =>
        {
            int cols = Description.Geometry.Columns;
            for (int i = 0; i < window.RowCount; i++)
                for (int j = 0; j < window.ColumnCount; j++)
                    Move(window.Tile, (window.Row0 + i) * cols + window.Column0 + j, countsCopy[i * window.ColumnCount + j]);
            return total;
        });
    }

    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        DeviceGuards.CheckOuterProduct(Description, request, window, trains);
        Alive();
        var rowTrains = trains.RowTrains.ToArray();
        var columnTrains = trains.ColumnTrains.ToArray();
        var rowPolarity = trains.RowPolarity.ToArray();
        var columnPolarity = trains.ColumnPolarity.ToArray();
        return _ledger.Apply(request.Id, () => Outer(window, rowTrains, rowPolarity, columnTrains, columnPolarity));
    }

    private long Outer(CrossbarWindow window, ulong[] rowTrains, sbyte[] rowPolarity, ulong[] columnTrains, sbyte[] columnPolarity)
    {
        int cols = Description.Geometry.Columns;
        long total = 0;
        for (int i = 0; i < window.RowCount; i++)
            for (int j = 0; j < window.ColumnCount; j++)
            {
                int n = System.Numerics.BitOperations.PopCount(rowTrains[i] & columnTrains[j]);
                int sign = rowPolarity[i] * columnPolarity[j];
                if (sign == 0 || n == 0) continue;
                Move(window.Tile, (window.Row0 + i) * cols + window.Column0 + j, sign * n);
                total += n;
            }
        return total;
    }

    private void Move(int tile, int cell, int count)
    {
        if (count == 0) return;
        _g[tile][cell] = Math.Clamp(_g[tile][cell] + count * Step, Description.GMinSiemens, Description.GMaxSiemens);
        _cellPulses[tile][cell] += Math.Abs(count);
        _pulses += Math.Abs(count);
    }

    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        DeviceGuards.CheckMeasure(Description, window, siemens);
        Alive();
        int cols = Description.Geometry.Columns;
        for (int i = 0; i < window.RowCount; i++)
            for (int j = 0; j < window.ColumnCount; j++)
                siemens[i * window.ColumnCount + j] = _g[window.Tile][(window.Row0 + i) * cols + window.Column0 + j];
    }

    public DeviceHealth ReadHealth()
    {
        Alive();
        return new DeviceHealth
        {
            Alive = true,
            Temperature = Temperature.FromDegreesCelsius(31.5),
            Uptime = TimeSpan.FromSeconds(12.25),
            TotalPulses = _pulses,
            MaxCellPulses = _cellPulses.SelectMany(x => x).Max(),
            TotalReads = _reads,
            SelfTestPassed = true,
        };
    }

    public void Dispose() { }
}

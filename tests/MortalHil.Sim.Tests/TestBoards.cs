using MortalHil.Core.Devices;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Tests;

/// <summary>Small boards for fast tests: the built-in physics on tiles a few dozen cells wide.</summary>
internal static class TestBoards
{
    public static DevicePreset Small(DevicePreset p, int rows = 32, int columns = 16, int tiles = 2)
        => p with { Geometry = new GeometrySpec { Tiles = tiles, Rows = rows, Columns = columns }, Chain = SmallChain(p.Chain, rows, columns, tiles) };

    /// <summary>A chain preset's chain shrunk onto the small tiles (rows-1 inputs, then as many neurons and outputs as fit), or none.</summary>
    private static ChainSpec? SmallChain(ChainSpec? chain, int rows, int columns, int tiles)
    {
        if (chain is null || tiles < 2 || rows < 2 || columns < 4) return null;
        int hidden = Math.Min(columns / 2, rows - 1), classes = Math.Max(1, Math.Min(4, columns / 4));
        return chain with
        {
            Stages =
            [
                new ChainStageSpec { Tile = 0, Row0 = 0, Column0 = 0, Source = -1, Inputs = rows - 1, BiasRow = true, Outputs = hidden, Sink = "neurons" },
                new ChainStageSpec { Tile = 1, Row0 = 0, Column0 = 0, Source = 0, Inputs = hidden, BiasRow = true, Outputs = classes, Sink = "adc" },
            ],
        };
    }

    /// <summary>reram physics with every random effect off: pulse response and bounds only.</summary>
    public static DevicePreset QuietReRam(int rows = 32, int columns = 16) => Small(BuiltInPresets.ReRam, rows, columns) with
    {
        Pulse = BuiltInPresets.ReRam.Pulse with { DwMinStd = 0, WriteNoiseStd = 0, Levels = 0 },
        Read = BuiltInPresets.ReRam.Read with { NoiseRel = 0 },
        Stuck = BuiltInPresets.ReRam.Stuck with { Fraction = 0 },
        Ageing = BuiltInPresets.Ideal.Ageing,
    };

    public static PulseRequest Nominal(IDevice d, ulong id)
        => new(id, (float)d.Description.Capabilities.NominalPulseVoltage.Volts, (float)d.Description.Capabilities.NominalPulseWidth.Seconds);

    public static float[] Measure(IDevice d, CrossbarWindow w)
    {
        var g = new float[w.CellCount];
        d.MeasureConductances(w, g);
        return g;
    }

    public static float[] RandomInputs(int n, float maxVolts, int seed)
    {
        var rng = new Random(seed);
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)((rng.NextDouble() * 2 - 1) * maxVolts);
        return v;
    }

    /// <summary>Applies the same count to every cell of the window, in requests of at most the board's limit.</summary>
    public static void PulseAll(IDevice d, CrossbarWindow w, int totalCount, ref ulong id)
    {
        int limit = d.Description.Limits.MaxPulsesPerCellPerRequest;
        int left = Math.Abs(totalCount), sign = Math.Sign(totalCount);
        while (left > 0)
        {
            int n = Math.Min(left, limit);
            var counts = new short[w.CellCount];
            Array.Fill(counts, (short)(sign * n));
            d.ApplyCellPulses(Nominal(d, id++), w, counts);
            left -= n;
        }
    }
}

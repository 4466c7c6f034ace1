using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Physics;

/// <summary>
/// Draws a board's hidden physics from its preset and key (preset name + serial + seed): each
/// cell's window, step sizes, asymmetry, drift exponent, endurance and faults, and each column's
/// amplifier and neuron mismatch. Pure function of its inputs.
/// </summary>
internal static class BoardManufacture
{
    private const double SecondsPerYear = 365.25 * 24 * 3600;

    public static ulong Key(string presetName, string serialNumber, ulong seed)
        => StableHash.Mix(StableHash.OfString(presetName) ^ StableHash.Mix(StableHash.OfString(serialNumber) + 0x5851F42D4C957F2DUL)
                          ^ StableHash.Mix(seed * 0x9E3779B97F4A7C15UL + 1));

    public static TileCells Build(DevicePreset p, ulong key, int tile)
    {
        var g = p.Geometry;
        var cells = new TileCells(g.Rows, g.Columns);
        var scale = ConductanceScale.Of(p);
        ulong tkey = StableHash.Hash(key, 0xA11CE, (ulong)tile);
        var c = p.Conductance;
        var u = p.Pulse;
        // Keep every window inside physical conductance (>= 0) and at least 10% of nominal wide.
        float wFloor = (float)(scale.WFloor * 0.98);

        for (int i = 0; i < cells.Count; i++)
        {
            ulong n = (ulong)i;
            // aihwkit: w_min_i = w_min (1 + w_min_dtod xi), w_max_i likewise (nominal w_min = -1, w_max = 1).
            float wMax = (float)(1.0 + c.WMaxDtod * StableHash.TruncatedGaussian(tkey, RandomStreams.WMax, n));
            float wMin = (float)(-1.0 - c.WMinDtod * StableHash.TruncatedGaussian(tkey, RandomStreams.WMin, n));
            wMin = Math.Clamp(wMin, wFloor, -0.05f);
            wMax = Math.Max(wMax, 0.05f);
            cells.WMin[i] = wMin;
            cells.WMax[i] = wMax;

            // aihwkit: dw_i = dw_min (1 + dw_min_dtod xi); up = dw_i (1 + up_down_i), down = dw_i (1 - up_down_i).
            double dw = u.DwMin * Math.Max(0.05, 1.0 + u.DwMinDtod * StableHash.TruncatedGaussian(tkey, RandomStreams.Dw, n));
            double upDown = Math.Clamp(u.UpDown + u.UpDownDtod * StableHash.TruncatedGaussian(tkey, RandomStreams.UpDown, n), -0.95, 0.95);
            cells.DwUp[i] = (float)(dw * (1 + upDown));
            cells.DwDown[i] = (float)(dw * (1 - upDown));

            cells.NuDeviation[i] = (float)StableHash.TruncatedGaussian(tkey, RandomStreams.Nu, n);
            cells.Endurance[i] = p.Endurance.Enabled
                ? (float)(p.Endurance.MedianPulses * Math.Exp(p.Endurance.LogSpread * StableHash.Gaussian(tkey, RandomStreams.Endurance, n)))
                : float.PositiveInfinity;
            // Ageing: each cell's time to stick is exponential with the preset's yearly rate (drawn now, so fast-forwarding
            // in one step or many gives the same board).
            cells.AgeStuckSeconds[i] = p.Ageing.Enabled && p.Ageing.StuckPerCellPerYear > 0
                ? -Math.Log(StableHash.Uniform(tkey, RandomStreams.AgeStuck, n)) / p.Ageing.StuckPerCellPerYear * SecondsPerYear
                : double.PositiveInfinity;

            if (StableHash.Uniform(tkey, RandomStreams.StuckDraw, n) < p.Stuck.Fraction)
                cells.Stuck[i] = StableHash.Uniform(tkey, RandomStreams.StuckSide, n) < p.Stuck.AtGMaxFraction ? TileCells.StuckHigh : TileCells.StuckLow;

            // As fabricated (after forming), cells sit anywhere in their window.
            double u01 = StableHash.Uniform(tkey, RandomStreams.InitialState, n);
            cells.W[i] = (float)(wMin + u01 * (wMax - wMin));
            cells.ProgrammedAt[i] = 0;
        }

        for (int j = 0; j < g.Columns; j++)
        {
            ulong n = (ulong)j;
            double fs = p.Adc.FullScaleMicroamps * 1e-6;
            cells.ColumnGain[j] = (float)(1.0 + p.Amplifier.GainStd * StableHash.TruncatedGaussian(tkey, RandomStreams.ColumnGain, n));
            cells.ColumnOffsetAmps[j] = (float)(p.Amplifier.OffsetStd * fs * StableHash.TruncatedGaussian(tkey, RandomStreams.ColumnOffset, n));
            cells.NeuronGain[j] = (float)(1.0 + p.Neurons.GainStd * StableHash.TruncatedGaussian(tkey, RandomStreams.NeuronGain, n));
            cells.NeuronOffsetAmps[j] = (float)(p.Neurons.OffsetStd * fs * StableHash.TruncatedGaussian(tkey, RandomStreams.NeuronOffset, n));
        }
        return cells;
    }

    /// <summary>Board age (s) at which the whole board fails suddenly: Weibull(scale, shape); +inf without ageing.</summary>
    public static double SuddenDeathSeconds(DevicePreset p, ulong key)
    {
        var a = p.Ageing;
        if (!a.Enabled || a.LifetimeYears <= 0) return double.PositiveInfinity;
        double u = StableHash.Uniform(key, RandomStreams.BoardLifetime, 0);
        return a.LifetimeYears * SecondsPerYear * Math.Pow(-Math.Log(u), 1.0 / a.LifetimeShape);
    }
}

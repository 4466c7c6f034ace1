using MortalHil.Core.Randomness;
using MortalHil.Sim.Presets;
using MortalHil.Sim.Randomness;

namespace MortalHil.Sim.Physics;

/// <summary>
/// Wear-out: a cell that has received more pulses than its own endurance either sticks or keeps only a
/// fraction of its window; with ageing on, any pulse may also stick a cell with a small probability.
/// </summary>
internal sealed class WearModel(DevicePreset preset)
{
    private readonly EnduranceSpec _endurance = preset.Endurance;
    private readonly AgeingSpec _ageing = preset.Ageing;

    /// <summary>Called after cell <paramref name="i"/> received <paramref name="pulses"/> pulses.</summary>
    public void AfterPulses(TileCells t, int i, int pulses, ref Xoshiro256StarStar rng)
    {
        if (pulses <= 0 || t.Stuck[i] != TileCells.Free) return;
        if (_ageing.Enabled && _ageing.StuckPerPulse > 0)
        {
            double p = -double.ExpM1(pulses * Math.Log(1.0 - _ageing.StuckPerPulse));
            if (rng.NextDouble() < p) { StickAtRandomSide(t, i, ref rng); return; }
        }
        if (_endurance.Enabled && (t.Flags[i] & TileCells.FlagWornOut) == 0 && t.Wear[i] > t.Endurance[i])
        {
            t.Flags[i] |= TileCells.FlagWornOut;
            if (rng.NextDouble() < _endurance.StuckFraction) { StickAtRandomSide(t, i, ref rng); return; }
            float mid = 0.5f * (t.WMin[i] + t.WMax[i]);
            float half = 0.5f * (t.WMax[i] - t.WMin[i]) * (float)_endurance.WindowKept;
            t.WMin[i] = mid - half;
            t.WMax[i] = mid + half;
            t.W[i] = Math.Clamp(t.W[i], t.WMin[i], t.WMax[i]);
        }
    }

    private static void StickAtRandomSide(TileCells t, int i, ref Xoshiro256StarStar rng)
        => t.Stuck[i] = rng.NextDouble() < 0.5 ? TileCells.StuckLow : TileCells.StuckHigh;
}

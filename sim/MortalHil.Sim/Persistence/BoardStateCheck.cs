using MortalHil.Sim.Physics;

namespace MortalHil.Sim.Persistence;

/// <summary>
/// Values a loaded tile can hold: a board file whose checksum is right can still have been written by something
/// else, and a NaN conductance or a negative wear count would poison every read and every health check after it.
/// </summary>
internal static class BoardStateCheck
{
    /// <summary>The first impossible value in <paramref name="t"/>, or null.</summary>
    public static string? FirstProblem(TileCells t)
    {
        for (int i = 0; i < t.Count; i++)
        {
            if (!float.IsFinite(t.W[i]) || !float.IsFinite(t.WriteNoise[i])) return $"cell {i} has a non-finite state";
            if (!float.IsFinite(t.WMin[i]) || !float.IsFinite(t.WMax[i]) || !(t.WMin[i] < t.WMax[i])) return $"cell {i} has no valid window";
            if (!(t.DwUp[i] >= 0) || !(t.DwDown[i] >= 0) || !float.IsFinite(t.DwUp[i]) || !float.IsFinite(t.DwDown[i])) return $"cell {i} has a non-finite or negative step";
            if (t.Wear[i] < 0) return $"cell {i} has negative wear ({t.Wear[i]})";
            if (float.IsNaN(t.Endurance[i]) || !(t.Endurance[i] >= 0)) return $"cell {i} has an invalid endurance";
            if (double.IsNaN(t.AgeStuckSeconds[i]) || !double.IsFinite(t.ProgrammedAt[i])) return $"cell {i} has an invalid time";
            if (!float.IsFinite(t.Nu[i]) || !float.IsFinite(t.NuDeviation[i])) return $"cell {i} has a non-finite drift exponent";
            if (t.Stuck[i] > TileCells.StuckHigh) return $"cell {i} has an unknown stuck state {t.Stuck[i]}";
        }
        foreach (var a in new[] { t.ColumnGain, t.ColumnOffsetAmps, t.NeuronGain, t.NeuronOffsetAmps })
            foreach (var v in a)
                if (!float.IsFinite(v)) return "a converter gain or offset is not finite";
        return null;
    }
}

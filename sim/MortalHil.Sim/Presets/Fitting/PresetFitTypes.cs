using MortalHil.Core.Characterization;
using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Presets;

/// <summary>How hard <see cref="PresetFitter"/> works.</summary>
public sealed record PresetFitOptions
{
    /// <summary>Rounds of simulated moments.</summary>
    public int Iterations { get; init; } = 6;
    /// <summary>Simulated boards characterized per round (their statistics are averaged).</summary>
    public int CalibrationBoards { get; init; } = 2;
    /// <summary>Rows and columns of the one-tile boards characterized in the rounds (statistics are per cell, so a small tile does).</summary>
    public int CalibrationSide { get; init; } = 64;
    /// <summary>The characterization run on the simulated boards: must be the one the real board got.</summary>
    public CharacterizationOptions Characterization { get; init; } = ForFitting;

    /// <summary>The characterization a fit wants: the default one with a 16 x 16 sample of swept cells (256 instead of 64), for steadier statistics.</summary>
    public static CharacterizationOptions ForFitting { get; } = new() { SampleSide = 16 };
}

/// <summary>A fitted field, its value and the measured statistic it matches.</summary>
public sealed record FittedValue(string Field, double Value, string Statistic, double Measured);

/// <summary>One round: the parameters tried, the statistics they gave, the statistics measured.</summary>
public sealed record PresetFitIteration(int Round, double[] Parameters, double[] Simulated, double[] Measured);

/// <summary>The fitted preset, the fitted values and the rounds that led to them.</summary>
public sealed record PresetFit(DevicePreset Preset, IReadOnlyList<FittedValue> Fitted, IReadOnlyList<PresetFitIteration> Rounds);

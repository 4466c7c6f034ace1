namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// Measured conductance change of one programming pulse (mean over a sample of cells at mid-window
/// states), up (potentiation) and down (depression). The only pulse model learners use: it comes from
/// MeasureConductances, never from a simulator's parameters.
/// </summary>
/// <param name="UpSiemens">Mean ΔG of one potentiating pulse (positive).</param>
/// <param name="DownSiemens">Mean |ΔG| of one depressing pulse (positive).</param>
/// <param name="AmplitudeVolts">Pulse amplitude used.</param>
/// <param name="WidthSeconds">Pulse width used.</param>
public sealed record PulseCalibration(float UpSiemens, float DownSiemens, float AmplitudeVolts, float WidthSeconds)
{
    /// <summary>Change of G+ − G− when both devices of a pair get one pulse in opposite directions.</summary>
    public float PairStepSiemens => UpSiemens + DownSiemens;
}

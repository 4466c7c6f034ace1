using MortalHil.Sim.Presets;

namespace MortalHil.Sim.Physics;

/// <summary>
/// The map between the weight units of the device models (nominal window [-1, 1], as in aihwkit)
/// and siemens: G = Mid + Half * w. Conductance never goes below zero, so w never below <see cref="WFloor"/>.
/// </summary>
internal readonly record struct ConductanceScale(double GMin, double GMax)
{
    public static ConductanceScale Of(DevicePreset p)
        => new(p.Conductance.GMinMicrosiemens * 1e-6, p.Conductance.GMaxMicrosiemens * 1e-6);

    public double Mid => 0.5 * (GMin + GMax);
    public double Half => 0.5 * (GMax - GMin);
    /// <summary>The weight at which conductance reaches zero.</summary>
    public double WFloor => -Mid / Half;

    public float ToSiemens(float w) => (float)Math.Max(0.0, Mid + Half * w);
    public float ToWeight(double siemens) => (float)((siemens - Mid) / Half);
}

namespace MortalHil.Core.Devices;

/// <summary>Activation a board can apply in its analog periphery before digitising a column.</summary>
public enum AnalogActivation
{
    /// <summary>Raw column current.</summary>
    None = 0,
    /// <summary>Rectified current (a diode-like neuron; its threshold and gain are the board's own).</summary>
    Relu = 1,
    /// <summary>A saturating neuron (tanh-like; its gain, offset and swing are the board's own).</summary>
    Tanh = 2,
}

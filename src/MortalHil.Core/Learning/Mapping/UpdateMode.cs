namespace MortalHil.Core.Learning.Mapping;

/// <summary>How a weight change becomes programming pulses.</summary>
public enum UpdateMode
{
    /// <summary>Outer-product pulsing where the board supports it, else per-cell pulses.</summary>
    Auto = 0,
    /// <summary>
    /// One stochastic rank-1 update per example: rows and columns fire pulse trains whose densities
    /// encode |x| and |δ|; coincidences program the cells (Gokmen &amp; Vlasov 2016, "Acceleration of deep
    /// neural network training with resistive cross-point devices", Front. Neurosci. 10:333).
    /// </summary>
    OuterProduct = 1,
    /// <summary>The batch's weight change is summed on the host and sent as per-cell pulse counts (stochastic rounding).</summary>
    CellPulses = 2,
    /// <summary>
    /// Mixed precision: weight changes add up in a host-side accumulator per weight, and only whole pulses are
    /// sent, the remainder kept (Nandakumar et al., "Mixed-precision deep learning based on computational
    /// memory", Front. Neurosci. 14:406, 2020; aihwkit's MixedPrecisionCompound). Gradient noise cancels in the
    /// accumulator instead of in the device, so far fewer pulses (and far less write noise and wear) are spent.
    /// </summary>
    Accumulated = 3,
}

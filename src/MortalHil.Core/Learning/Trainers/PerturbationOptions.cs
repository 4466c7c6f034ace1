using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Learning.Trainers;

/// <summary>Settings shared by the activity-perturbation trainers (node perturbation and local losses).</summary>
public sealed record PerturbationOptions
{
    /// <summary>Learning rate of hidden layers (effective-weight units per unit gradient).</summary>
    public float HiddenLearningRate { get; init; } = 0.05f;
    /// <summary>Learning rate of the output layer (and of local readouts).</summary>
    public float OutputLearningRate { get; init; } = 0.05f;
    /// <summary>Learning rate of the host-side biases.</summary>
    public float BiasLearningRate { get; init; } = 0.05f;
    /// <summary>Random perturbation directions per example (each costs one more read of the downstream part).</summary>
    public int Directions { get; init; } = 16;
    /// <summary>Perturbation size as a fraction of the perturbed activity's input range downstream.</summary>
    public float PerturbationFraction { get; init; } = 0.05f;
    /// <summary>
    /// Where the perturbed layer feeds a linear layer (the output layer, a local readout), read the perturbation on
    /// its own at full input scale instead of activity plus perturbation: a crossbar is linear, W(h + σu) − Wh = W(σu),
    /// and the full DAC range puts the change far above the converters' noise. Otherwise σ = PerturbationFraction ·
    /// input range and the perturbed activity is re-read through the rest of the network.
    /// </summary>
    public bool SuperpositionReads { get; init; } = true;
    /// <summary>How weight changes become pulses.</summary>
    public UpdateMode UpdateMode { get; init; } = UpdateMode.Auto;
    /// <summary>Accumulated updates: pair pulses a weight's change must reach before it is written (see <see cref="PulseWriter.TransferThreshold"/>).</summary>
    public float TransferThreshold { get; init; } = 1f;
    /// <summary>Accumulated updates: program the board every this many steps (see <see cref="PulseWriter.TransferEvery"/>).</summary>
    public int TransferEvery { get; init; } = 1;
    /// <summary>
    /// ll only: weight of the output head's error in a hidden neuron's error, added to its local readout's error (deep
    /// supervision: Lee, Xie, Gallagher, Zhang &amp; Tu, AISTATS 2015, "Deeply-supervised nets"). 0: purely local losses.
    /// </summary>
    public float GlobalErrorWeight { get; init; }
    /// <summary>Seed of perturbations and stochastic rounding.</summary>
    public int Seed { get; init; } = 1;
}

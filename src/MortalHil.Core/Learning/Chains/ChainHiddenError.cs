namespace MortalHil.Core.Learning.Chains;

/// <summary>How a chain trainer estimates a hidden neuron's error (∂L/∂ its input) from perturbed reads.</summary>
public enum ChainHiddenError
{
    /// <summary>
    /// Classic node perturbation: the loss change of each direction times the neuron's sign, averaged over directions
    /// (Widrow &amp; Lehr 1990; Werfel, Xie &amp; Seung 2005). Every other perturbed neuron's effect adds noise (crosstalk),
    /// so its variance grows with the layer's width over the directions. Needs no taps.
    /// </summary>
    Crosstalk,
    /// <summary>
    /// The neuron's own slope from its tap (perturbed minus clean, over its own injection) times the head's error sent
    /// back through a mirror learned from the same reads (<see cref="FeedbackMirror"/>): no crosstalk. Needs monitor taps.
    /// </summary>
    Mirror,
}

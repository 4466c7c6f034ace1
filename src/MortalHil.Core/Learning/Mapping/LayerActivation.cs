namespace MortalHil.Core.Learning.Mapping;

/// <summary>Which nonlinearity follows a mapped layer. Activations run on the host, from the digitised pre-activations.</summary>
public enum LayerActivation
{
    /// <summary>Linear (the output layer: logits).</summary>
    None = 0,
    /// <summary>ReLU computed on the host.</summary>
    HostRelu = 1,
    /// <summary>The board's own analog neurons on a chain: their function is the board's and is not known to the host.</summary>
    BoardNeurons = 2,
}

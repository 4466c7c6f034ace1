namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// What one forward pass measured, per layer: the host values fed in, the pre-activations read from the
/// board (plus host bias) and the activations. Buffers are reused between passes of the same batch size.
/// </summary>
public sealed class ForwardTrace
{
    internal ForwardTrace(IReadOnlyList<MappedLayer> layers, int batch)
    {
        Batch = batch;
        Inputs = layers.Select(l => new float[batch * l.Inputs]).ToArray();
        Pre = layers.Select(l => new float[batch * l.Outputs]).ToArray();
        Post = layers.Select(l => new float[batch * l.Outputs]).ToArray();
    }

    public int Batch { get; }
    /// <summary>Inputs[l]: batch x inputs of layer l (Inputs[0] is the network input).</summary>
    public float[][] Inputs { get; }
    /// <summary>Pre[l]: batch x outputs of layer l, as read (pre-activation, with host bias).</summary>
    public float[][] Pre { get; }
    /// <summary>Post[l]: activations of layer l (equal to Pre[l] for a linear layer).</summary>
    public float[][] Post { get; }
    /// <summary>The network's output scores (post-activation of the last layer).</summary>
    public float[] Logits => Post[^1];
}

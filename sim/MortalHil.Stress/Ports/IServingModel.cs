using MortalHil.Core.Devices;

namespace MortalHil.Stress.Ports;

/// <summary>A network that lives on one board and answers inference requests through <see cref="IDevice"/>.</summary>
public interface IServingModel
{
    /// <summary>The board holding the weights.</summary>
    IDevice Board { get; }

    /// <summary>Number of input features per sample.</summary>
    int Features { get; }

    /// <summary>Number of classes.</summary>
    int Classes { get; }

    /// <summary>
    /// Writes the board's logits for each sample (inputs row-major, <c>samples x Features</c>, features in [-1, 1])
    /// into <paramref name="logits"/> (<c>samples x Classes</c>). Throws what the board throws.
    /// </summary>
    void Logits(ReadOnlySpan<float> inputs, Span<float> logits);

    /// <summary>
    /// The model's digital state (placement, scales) as text: what a host keeps on disk so that after a
    /// restart <see cref="IStressToolkit.RestoreModel"/> re-attaches the model to its board.
    /// </summary>
    string Snapshot();
}

namespace MortalHil.Core.Learning;

/// <summary>Anything that maps a batch of inputs to class scores (a board network or its float reference).</summary>
public interface IClassifier
{
    int InputCount { get; }
    int ClassCount { get; }
    /// <summary>Writes <c>batch x ClassCount</c> logits for <c>batch x InputCount</c> inputs.</summary>
    void Predict(ReadOnlySpan<float> inputs, int batch, Span<float> logits);
}

namespace MortalHil.Core.Mortality.Ports;

/// <summary>
/// A trained network as the mortality code sees it: inputs in, one logit per class out. A network
/// mapped onto a board implements this by reading the board; health checks, teachers and students
/// all go through it.
/// </summary>
public interface IClassifier
{
    /// <summary>Length of one input vector.</summary>
    int InputCount { get; }

    /// <summary>Number of classes (length of one logit vector).</summary>
    int ClassCount { get; }

    /// <summary>
    /// Computes logits for a batch: <paramref name="inputs"/> is <c>batch x InputCount</c> row-major,
    /// <paramref name="logits"/> receives <c>batch x ClassCount</c>. Any batch size; implementations
    /// split it as their board requires. Throws <see cref="Devices.DeviceFailedException"/> when the
    /// board behind it has died.
    /// </summary>
    void Logits(ReadOnlySpan<float> inputs, Span<float> logits);
}

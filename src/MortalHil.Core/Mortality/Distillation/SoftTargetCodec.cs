namespace MortalHil.Core.Mortality.Distillation;

/// <summary>
/// How a soft distribution is sent to the student: each class probability quantised to
/// <see cref="Bits"/> bits (levels 0 .. 2^bits - 1), decoded by renormalising. The student learns from
/// exactly what was sent, so the bits counted are the bits that taught it.
/// </summary>
public sealed class SoftTargetCodec
{
    public SoftTargetCodec(int bits)
    {
        if (bits is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(bits), "quantisation bits must be 1..16");
        Bits = bits;
    }

    public int Bits { get; }
    public int Levels => 1 << Bits;

    /// <summary>Quantises a distribution to one level per class.</summary>
    public void Encode(ReadOnlySpan<float> probabilities, Span<ushort> levels)
    {
        int top = Levels - 1;
        for (int i = 0; i < probabilities.Length; i++)
            levels[i] = (ushort)Math.Clamp((int)MathF.Round(probabilities[i] * top), 0, top);
    }

    /// <summary>Decodes levels back to a distribution (uniform if every level is zero).</summary>
    public static void Decode(ReadOnlySpan<ushort> levels, Span<float> probabilities)
    {
        long sum = 0;
        foreach (var l in levels) sum += l;
        for (int i = 0; i < levels.Length; i++)
            probabilities[i] = sum == 0 ? 1f / levels.Length : levels[i] / (float)sum;
    }

    /// <summary>Encodes and decodes in one go: the distribution the student actually receives.</summary>
    public void RoundTrip(ReadOnlySpan<float> probabilities, Span<float> received, Span<ushort> scratch)
    {
        Encode(probabilities, scratch);
        Decode(scratch, received);
    }
}

using System.Buffers.Binary;

namespace MortalHil.Core.Community;

/// <summary>
/// What a community's links carry, as bytes: weights as little-endian float32 (layer by layer, weights then biases), and
/// soft targets as one quantised level per class and example (one byte per level up to 8 bits, two above).
/// </summary>
public static class CommunityMessages
{
    /// <summary>Weights then biases of each layer, float32, little-endian.</summary>
    public static byte[] Weights(IReadOnlyList<float[]> weights, IReadOnlyList<float[]> biases)
    {
        int count = weights.Sum(w => w.Length) + biases.Sum(b => b.Length);
        var bytes = new byte[count * sizeof(float)];
        int at = 0;
        for (int l = 0; l < weights.Count; l++)
        {
            foreach (var v in weights[l]) { BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), v); at += sizeof(float); }
            foreach (var v in biases[l]) { BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), v); at += sizeof(float); }
        }
        return bytes;
    }

    /// <summary>Reads a weights message into arrays shaped like <paramref name="weights"/> and <paramref name="biases"/>.</summary>
    public static void ReadWeights(ReadOnlySpan<byte> bytes, IReadOnlyList<float[]> weights, IReadOnlyList<float[]> biases)
    {
        int expected = (weights.Sum(w => w.Length) + biases.Sum(b => b.Length)) * sizeof(float);
        if (bytes.Length != expected) throw new InvalidDataException($"a weights message of {bytes.Length} bytes for a network of {expected / sizeof(float)} parameters");
        int at = 0;
        for (int l = 0; l < weights.Count; l++)
        {
            var w = weights[l];
            for (int i = 0; i < w.Length; i++, at += sizeof(float)) w[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]);
            var b = biases[l];
            for (int i = 0; i < b.Length; i++, at += sizeof(float)) b[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]);
        }
    }

    /// <summary>Values of a float32 message.</summary>
    public static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0) throw new InvalidDataException($"a float32 message of {bytes.Length} bytes");
        var values = new float[bytes.Length / sizeof(float)];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        return values;
    }

    /// <summary>A float32 message of <paramref name="values"/>.</summary>
    public static byte[] Floats(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return bytes;
    }

    /// <summary>Bytes one level takes on the link at <paramref name="bits"/> bits.</summary>
    public static int BytesPerLevel(int bits) => bits <= 8 ? 1 : 2;

    /// <summary>Quantised levels (examples x classes) as a soft-target message.</summary>
    public static byte[] SoftTargets(ReadOnlySpan<ushort> levels, int bits)
    {
        int width = BytesPerLevel(bits);
        var bytes = new byte[levels.Length * width];
        for (int i = 0; i < levels.Length; i++)
            if (width == 1) bytes[i] = (byte)levels[i];
            else BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), levels[i]);
        return bytes;
    }

    /// <summary>The levels of a soft-target message.</summary>
    public static ushort[] Levels(ReadOnlySpan<byte> bytes, int bits)
    {
        int width = BytesPerLevel(bits);
        if (bytes.Length % width != 0) throw new InvalidDataException($"a soft-target message of {bytes.Length} bytes at {bits} bits per level");
        var levels = new ushort[bytes.Length / width];
        for (int i = 0; i < levels.Length; i++) levels[i] = width == 1 ? bytes[i] : BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        return levels;
    }
}

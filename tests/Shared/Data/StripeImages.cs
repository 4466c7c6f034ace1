using MortalHil.Core.Data;

namespace MortalHil.Tests.Data;

/// <summary>A small learnable image set in MNIST's IDX layout, for short training runs in tests.</summary>
internal static class StripeImages
{
    /// <summary>
    /// Writes <paramref name="train"/> training and <paramref name="test"/> test images of 28x28 into <paramref name="dir"/>
    /// (as train-/t10k-images-idx3-ubyte and -labels-idx1-ubyte): class k is a bright band at rows 2k+2..2k+4 over
    /// dim noise. Fixed seeds: the same files every time.
    /// </summary>
    public static string Write(string dir, int train = 200, int test = 100)
    {
        Directory.CreateDirectory(dir);
        foreach (var (stem, n, seed) in new[] { ("train", train, 1), ("t10k", test, 2) })
        {
            var rng = new Random(seed);
            var labels = new byte[n];
            var pixels = new byte[n * 28 * 28];
            for (int e = 0; e < n; e++)
            {
                int k = rng.Next(10);
                labels[e] = (byte)k;
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++)
                        pixels[(e * 28 + y) * 28 + x] = (byte)(y >= 2 + 2 * k && y < 5 + 2 * k ? 200 + rng.Next(55) : rng.Next(40));
            }
            File.WriteAllBytes(Path.Combine(dir, $"{stem}-images-idx3-ubyte"), IdxFile.Encode([n, 28, 28], pixels));
            File.WriteAllBytes(Path.Combine(dir, $"{stem}-labels-idx1-ubyte"), IdxFile.Encode([n], labels));
        }
        return dir;
    }
}

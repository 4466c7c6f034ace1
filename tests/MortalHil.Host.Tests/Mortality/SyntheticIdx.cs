using System.Buffers.Binary;

namespace MortalHil.Host.Tests.Mortality;

/// <summary>
/// Writes a small 10-class set of 28x28 images in MNIST's IDX layout, so mortality tests run
/// offline and fast: class k is a bright bar at a class-specific row and column band, shifted by up
/// to two pixels, on speckle noise.
/// </summary>
internal static class SyntheticIdx
{
    public static void Write(string dir, int train, int test, int seed)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(seed);
        WriteSet(Path.Combine(dir, "train-images-idx3-ubyte"), Path.Combine(dir, "train-labels-idx1-ubyte"), train, rng);
        WriteSet(Path.Combine(dir, "t10k-images-idx3-ubyte"), Path.Combine(dir, "t10k-labels-idx1-ubyte"), test, rng);
    }

    private static void WriteSet(string imagesPath, string labelsPath, int count, Random rng)
    {
        var images = new byte[16 + count * 784];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x0803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        var labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x0801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int n = 0; n < count; n++)
        {
            int k = rng.Next(10);
            labels[8 + n] = (byte)k;
            var img = images.AsSpan(16 + n * 784, 784);
            int dy = rng.Next(-2, 3), dx = rng.Next(-2, 3);
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    bool bar = Math.Abs(y - (4 + 2 * k) - dy) <= 1 && x >= 4 + (k % 3) * 4 + dx && x < 16 + (k % 3) * 4 + dx;
                    bool post = k >= 5 && Math.Abs(x - (6 + 3 * (k - 5)) - dx) <= 1 && y >= 18 && y < 26;
                    int v = bar || post ? 200 + rng.Next(56) : rng.Next(40);
                    img[y * 28 + x] = (byte)v;
                }
        }
        File.WriteAllBytes(imagesPath, images);
        File.WriteAllBytes(labelsPath, labels);
    }
}

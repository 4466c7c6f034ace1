using System.Text;

namespace MortalHil.Core.Files;

/// <summary>
/// Reads input files with a size limit checked before anything is allocated and again while reading, so a file linked
/// to <c>/dev/zero</c>, a file that grows while it is read or a gzip bomb is refused with the limit named instead of
/// filling memory (README, "Limits").
/// </summary>
public static class BoundedRead
{
    /// <summary>Largest JSON file read (presets, scenarios, network files, node files, board profiles): 16 MiB.</summary>
    public const long TextFileBytes = 16L << 20;

    /// <summary>Largest dataset file (IDX), after decompression: 1 GiB (MNIST's largest is 47 MB).</summary>
    public const long DataFileBytes = 1L << 30;

    /// <summary>The text of <paramref name="path"/> (UTF-8, a byte-order mark honoured), at most <paramref name="limit"/> bytes.</summary>
    public static string Text(string path, long limit = TextFileBytes)
    {
        var bytes = Bytes(path, limit);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The bytes of <paramref name="path"/>, at most <paramref name="limit"/>; a folder or a larger file is refused naming both.</summary>
    public static byte[] Bytes(string path, long limit)
    {
        if (Directory.Exists(path)) throw new InvalidDataException($"{path} is a folder, not a file");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (!stream.CanSeek) return AtMost(stream, limit, path); // a pipe: capped while read
        long length = stream.Length;
        if (length > limit) throw TooLarge(path, $"holds {length:N0} bytes", limit);
        var bytes = new byte[length];
        stream.ReadExactly(bytes);
        // A device reports a size (0 for /dev/zero) and then never ends: one byte past the size is enough to refuse it.
        if (stream.ReadByte() != -1)
            throw new FileTooLargeException(path, $"holds more bytes than its size ({length:N0}) says: not a regular file (a device such as /dev/zero?) or growing while read");
        return bytes;
    }

    /// <summary>All of <paramref name="source"/> (e.g. a decompressing stream) as bytes, refused as soon as it passes <paramref name="limit"/>.</summary>
    public static byte[] AtMost(Stream source, long limit, string name)
    {
        using var memory = new MemoryStream();
        CopyAtMost(source, memory, limit, name);
        return memory.ToArray();
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>, stopping with an error once more than <paramref name="limit"/> bytes came.</summary>
    public static long CopyAtMost(Stream source, Stream destination, long limit, string name)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, limit + 1 - total))) > 0)
        {
            total += n;
            if (total > limit) throw TooLarge(name, "holds more bytes than allowed (a device, a growing file or a decompression bomb?)", limit);
            destination.Write(buffer, 0, n);
        }
        return total;
    }

    private static FileTooLargeException TooLarge(string name, string what, long limit) =>
        new(name, $"{what}; the limit is {limit:N0} bytes ({Describe(limit)})");

    private static string Describe(long bytes) => bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.#} GiB" : $"{bytes / (double)(1L << 20):0.#} MiB";
}

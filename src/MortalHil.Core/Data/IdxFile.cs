using System.Buffers.Binary;
using System.IO.Compression;

namespace MortalHil.Core.Data;

/// <summary>
/// One IDX file (the format MNIST ships in): a 4-byte magic (two zero bytes, an element type,
/// the number of dimensions), the dimensions as big-endian 32-bit integers, then the elements.
/// Only unsigned-byte elements (type 0x08) are accepted: that is what image and label sets use.
/// Gzip-compressed files (.gz, or any file starting with the gzip magic) are read transparently.
/// </summary>
public sealed class IdxFile
{
    /// <summary>IDX element type code for unsigned bytes.</summary>
    public const byte UnsignedByteType = 0x08;

    private IdxFile(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The file this was read from (for error messages).</summary>
    public string Path { get; }
    /// <summary>Dimensions, outermost first (e.g. [60000, 28, 28]).</summary>
    public IReadOnlyList<int> Dimensions { get; }
    /// <summary>The elements, row-major.</summary>
    public byte[] Data { get; }

    /// <summary>Reads and validates an IDX file. Any defect gives an <see cref="InvalidDataException"/> naming the file.</summary>
    /// <param name="path">The file, raw or gzipped.</param>
    /// <param name="maxBytes">Largest size accepted, after decompression (<see cref="Files.BoundedRead.DataFileBytes"/>).</param>
    public static IdxFile Read(string path, long maxBytes = Files.BoundedRead.DataFileBytes)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist", path);
        byte[] raw = Files.BoundedRead.Bytes(path, maxBytes);
        if (raw.Length >= 2 && raw[0] == 0x1f && raw[1] == 0x8b)
            raw = Gunzip(path, raw, maxBytes);
        return Parse(path, raw);
    }

    /// <summary>Parses IDX bytes; <paramref name="name"/> names the source in error messages.</summary>
    public static IdxFile Parse(string name, ReadOnlySpan<byte> raw)
    {
        if (raw.Length < 4)
            throw Bad(name, $"is {raw.Length} bytes long, too short for an IDX header");
        if (raw[0] != 0 || raw[1] != 0)
            throw Bad(name, $"has magic {raw[0]:x2} {raw[1]:x2} {raw[2]:x2} {raw[3]:x2}, not an IDX file (expected 00 00 08 nn)");
        if (raw[2] != UnsignedByteType)
            throw Bad(name, $"has element type 0x{raw[2]:x2}; only unsigned bytes (0x08) are supported");
        int rank = raw[3];
        if (rank is < 1 or > 4)
            throw Bad(name, $"declares {rank} dimensions; expected 1 to 4");
        int headerLength = 4 + 4 * rank;
        if (raw.Length < headerLength)
            throw Bad(name, $"is truncated inside its header ({raw.Length} of {headerLength} bytes)");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            uint v = BinaryPrimitives.ReadUInt32BigEndian(raw.Slice(4 + 4 * d, 4));
            if (v == 0 || v > int.MaxValue)
                throw Bad(name, $"has dimension {d} of size {v}");
            dims[d] = (int)v;
            count *= v;
            if (count > int.MaxValue - headerLength)
                throw Bad(name, "declares more elements than can be held in memory");
        }
        long expected = headerLength + count;
        if (raw.Length < expected)
            throw Bad(name, $"is truncated: header declares {string.Join("x", dims)} = {count} elements, file holds {raw.Length - headerLength}");
        if (raw.Length > expected)
            throw Bad(name, $"has {raw.Length - expected} unexpected bytes after the {string.Join("x", dims)} elements");
        return new IdxFile(name, dims, raw.Slice(headerLength, (int)count).ToArray());
    }

    /// <summary>Writes an unsigned-byte IDX file (used to build small test sets and to cache downloads).</summary>
    public static byte[] Encode(ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data)
    {
        long count = 1;
        foreach (var d in dimensions) count *= d;
        if (count != data.Length) throw new ArgumentException($"dimensions hold {count} elements, data has {data.Length}");
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        bytes[2] = UnsignedByteType;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * d), (uint)dimensions[d]);
        data.CopyTo(bytes.AsSpan(4 + 4 * dimensions.Length));
        return bytes;
    }

    private static byte[] Gunzip(string path, byte[] compressed, long maxBytes)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            return Files.BoundedRead.AtMost(input, maxBytes, path); // a gzip bomb stops at the limit
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException and not Files.FileTooLargeException)
        {
            throw Bad(path, $"is a corrupt or truncated gzip stream ({e.Message})");
        }
    }

    private static InvalidDataException Bad(string name, string what) => new($"IDX file '{name}' {what}");
}

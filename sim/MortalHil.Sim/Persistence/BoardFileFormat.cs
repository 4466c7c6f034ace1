using System.Runtime.InteropServices;

namespace MortalHil.Sim.Persistence;

/// <summary>
/// The board file, version 2: the magic text and the version, the board's fields (as <see cref="BinaryWriter"/>
/// writes them; arrays as raw little-endian blocks with their length), then a trailer: the end marker and the
/// XxHash64 of every byte before it. A reader refuses a wrong magic or version, a bad checksum, any byte after
/// the trailer, and values no board can hold (NaN state, negative wear), each with the file named.
/// </summary>
internal static class BoardFileFormat
{
    public const string Magic = "MortalHil simulated board";
    public const int Version = 2;
    public const string EndMarker = "end of board";

    public static void WriteArray<T>(BinaryWriter w, T[] a) where T : unmanaged
    {
        w.Write(a.Length);
        w.Write(MemoryMarshal.AsBytes(a.AsSpan()));
    }

    public static void ReadArrayInto<T>(BinaryReader r, T[] a, string what) where T : unmanaged
    {
        int n = r.ReadInt32();
        if (n != a.Length) throw new InvalidDataException($"{what} has {n} entries, expected {a.Length}");
        var bytes = MemoryMarshal.AsBytes(a.AsSpan());
        int done = 0;
        while (done < bytes.Length)
        {
            int read = r.Read(bytes[done..]);
            if (read <= 0) throw new EndOfStreamException($"{what} is truncated");
            done += read;
        }
    }
}

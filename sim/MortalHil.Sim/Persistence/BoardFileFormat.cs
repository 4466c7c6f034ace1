using System.Runtime.InteropServices;

namespace MortalHil.Sim.Persistence;

/// <summary>Little helpers for the board file: arrays as raw little-endian blocks with their length.</summary>
internal static class BoardFileFormat
{
    public const string Magic = "MortalHil simulated board";
    public const int Version = 1;

    public static void WriteArray<T>(BinaryWriter w, T[] a) where T : unmanaged
    {
        w.Write(a.Length);
        w.Write(MemoryMarshal.AsBytes(a.AsSpan()));
    }

    public static void ReadArrayInto<T>(BinaryReader r, T[] a, string what) where T : unmanaged
    {
        int n = r.ReadInt32();
        if (n != a.Length) throw new InvalidDataException($"board file: {what} has {n} entries, expected {a.Length}");
        var bytes = MemoryMarshal.AsBytes(a.AsSpan());
        int read = r.Read(bytes);
        if (read != bytes.Length) throw new InvalidDataException($"board file: {what} is truncated");
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MortalHil.Hardware.Protocol;

/// <summary>Reads little-endian fields from a payload; any underrun is a <see cref="MalformedFrameException"/>.</summary>
public ref struct PayloadReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _data.Length - _position;

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || n > Remaining)
            throw new MalformedFrameException($"payload ends after {_data.Length} bytes; {n} more were expected at offset {_position}");
        var s = _data.Slice(_position, n);
        _position += n;
        return s;
    }

    public byte U8() => Take(1)[0];
    public sbyte I8() => (sbyte)Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));
    public double F64() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A u8 byte count + UTF-8 string.</summary>
    public string String8()
    {
        int n = U8();
        try { return new UTF8Encoding(false, true).GetString(Take(n)); }
        catch (DecoderFallbackException) { throw new MalformedFrameException("string field is not valid UTF-8"); }
    }

    /// <summary>Raw bytes.</summary>
    public ReadOnlySpan<byte> Bytes(int n) => Take(n);

    /// <summary>Fills <paramref name="destination"/> with little-endian f32 values.</summary>
    public void F32s(Span<float> destination)
    {
        var src = Take(checked(destination.Length * 4));
        if (BitConverter.IsLittleEndian) src.CopyTo(MemoryMarshal.AsBytes(destination));
        else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(4 * i)..]);
    }

    /// <summary>Fills <paramref name="destination"/> with little-endian i16 values.</summary>
    public void I16s(Span<short> destination)
    {
        var src = Take(checked(destination.Length * 2));
        if (BitConverter.IsLittleEndian) src.CopyTo(MemoryMarshal.AsBytes(destination));
        else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadInt16LittleEndian(src[(2 * i)..]);
    }

    /// <summary>Fills <paramref name="destination"/> with little-endian u64 values.</summary>
    public void U64s(Span<ulong> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = U64();
    }

    /// <summary>Fills <paramref name="destination"/> with i8 values.</summary>
    public void I8s(Span<sbyte> destination) => Take(destination.Length).CopyTo(MemoryMarshal.AsBytes(destination));

    /// <summary>Throws unless every byte was consumed (a payload longer than its layout is malformed).</summary>
    public readonly void ExpectEnd()
    {
        if (Remaining != 0) throw new MalformedFrameException($"{Remaining} unexpected bytes after the payload's last field");
    }
}

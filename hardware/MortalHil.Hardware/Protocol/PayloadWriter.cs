using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace MortalHil.Hardware.Protocol;

/// <summary>Appends little-endian fields to a growing payload.</summary>
public sealed class PayloadWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a writer with room for <paramref name="capacity"/> bytes before it grows.</summary>
    public PayloadWriter(int capacity = 64) => _buffer = new byte[Math.Max(16, capacity)];

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>The payload written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the payload.</summary>
    public byte[] ToArray() => WrittenSpan.ToArray();

    private Span<byte> Take(int n)
    {
        if (_length + n > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        var s = _buffer.AsSpan(_length, n);
        _length += n;
        return s;
    }

    public PayloadWriter U8(byte v) { Take(1)[0] = v; return this; }
    public PayloadWriter I8(sbyte v) { Take(1)[0] = (byte)v; return this; }
    public PayloadWriter U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(Take(2), v); return this; }
    public PayloadWriter U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(Take(4), v); return this; }
    public PayloadWriter U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(Take(8), v); return this; }
    public PayloadWriter I64(long v) { BinaryPrimitives.WriteInt64LittleEndian(Take(8), v); return this; }
    public PayloadWriter F32(float v) { BinaryPrimitives.WriteSingleLittleEndian(Take(4), v); return this; }
    public PayloadWriter F64(double v) { BinaryPrimitives.WriteDoubleLittleEndian(Take(8), v); return this; }

    /// <summary>A string as u8 byte count + UTF-8 (at most 255 bytes).</summary>
    public PayloadWriter String8(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        if (n > 255) throw new ArgumentException($"string '{s}' is longer than 255 UTF-8 bytes");
        U8((byte)n);
        Encoding.UTF8.GetBytes(s, Take(n));
        return this;
    }

    /// <summary>Raw bytes.</summary>
    public PayloadWriter Bytes(ReadOnlySpan<byte> v) { v.CopyTo(Take(v.Length)); return this; }

    /// <summary>An array of f32, little-endian.</summary>
    public PayloadWriter F32s(ReadOnlySpan<float> v)
    {
        var dst = Take(v.Length * 4);
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(v).CopyTo(dst);
        else for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(dst[(4 * i)..], v[i]);
        return this;
    }

    /// <summary>An array of i16, little-endian.</summary>
    public PayloadWriter I16s(ReadOnlySpan<short> v)
    {
        var dst = Take(v.Length * 2);
        if (BitConverter.IsLittleEndian) MemoryMarshal.AsBytes(v).CopyTo(dst);
        else for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteInt16LittleEndian(dst[(2 * i)..], v[i]);
        return this;
    }

    /// <summary>An array of u64, little-endian.</summary>
    public PayloadWriter U64s(ReadOnlySpan<ulong> v)
    {
        foreach (var x in v) U64(x);
        return this;
    }

    /// <summary>An array of i8.</summary>
    public PayloadWriter I8s(ReadOnlySpan<sbyte> v) => Bytes(MemoryMarshal.AsBytes(v));
}

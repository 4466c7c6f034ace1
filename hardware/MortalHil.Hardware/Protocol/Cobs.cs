namespace MortalHil.Hardware.Protocol;

/// <summary>
/// Consistent Overhead Byte Stuffing (Cheshire &amp; Baker, IEEE/ACM Trans. Networking 7(2), 1999):
/// re-encodes a block so that it contains no 0x00 byte, which then delimits frames on the wire.
/// Overhead is at most one byte per 254 bytes plus one.
/// </summary>
public static class Cobs
{
    /// <summary>Largest encoded size of <paramref name="length"/> source bytes (without the delimiter).</summary>
    public static int MaxEncodedLength(int length) => length + length / 254 + 1;

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/>; returns the bytes written (no delimiter).</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < MaxEncodedLength(source.Length))
            throw new ArgumentException("destination too small for the worst-case COBS encoding", nameof(destination));
        int codeIndex = 0, write = 1;
        byte code = 1;
        foreach (byte b in source)
        {
            if (b == 0)
            {
                destination[codeIndex] = code;
                codeIndex = write++;
                code = 1;
                continue;
            }
            destination[write++] = b;
            if (++code == 0xFF)
            {
                // A full block of 254 non-zero bytes: close it without an implied zero.
                destination[codeIndex] = code;
                codeIndex = write++;
                code = 1;
            }
        }
        destination[codeIndex] = code;
        return write;
    }

    /// <summary>
    /// Decodes one COBS block (the bytes between two delimiters). Returns false, writing nothing
    /// meaningful, if the block contains a zero, a code runs past its end, or the result would not fit.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        written = 0;
        int read = 0;
        while (read < source.Length)
        {
            int code = source[read++];
            if (code == 0) return false;
            int run = code - 1;
            if (read + run > source.Length || written + run > destination.Length) return false;
            for (int i = 0; i < run; i++)
            {
                byte b = source[read + i];
                if (b == 0) return false;
                destination[written++] = b;
            }
            read += run;
            // A code below 0xFF implies a zero after its run, except at the very end of the block.
            if (code != 0xFF && read < source.Length)
            {
                if (written >= destination.Length) return false;
                destination[written++] = 0;
            }
        }
        return true;
    }
}

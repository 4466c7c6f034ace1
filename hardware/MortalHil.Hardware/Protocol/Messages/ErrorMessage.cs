using System.Text;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>Error response payload: u16 code, u16 message byte count, UTF-8 message (PROTOCOL.md §5).</summary>
public static class ErrorMessage
{
    /// <summary>Longest message carried; longer ones are cut.</summary>
    public const int MaxMessageBytes = 1024;

    public static byte[] Encode(ProtocolErrorCode code, string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ReplaceLineEndings(" "));
        int n = Math.Min(bytes.Length, MaxMessageBytes);
        var w = new PayloadWriter(4 + n);
        w.U16((ushort)code).U16((ushort)n).Bytes(bytes.AsSpan(0, n));
        return w.ToArray();
    }

    public static (ProtocolErrorCode Code, string Message) Decode(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var code = (ProtocolErrorCode)r.U16();
        int n = r.U16();
        if (n > MaxMessageBytes) throw new MalformedFrameException($"error message of {n} bytes exceeds {MaxMessageBytes}");
        // Lenient on a cut multi-byte character: the code is what matters.
        string message = Encoding.UTF8.GetString(r.Bytes(n));
        r.ExpectEnd();
        return (code, message);
    }
}

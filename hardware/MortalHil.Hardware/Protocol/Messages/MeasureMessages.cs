using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>MEASURE request and response payloads (PROTOCOL.md §4.5).</summary>
public static class MeasureMessages
{
    public static byte[] EncodeRequest(CrossbarWindow window)
    {
        var w = new PayloadWriter(WindowField.Size);
        WindowField.Write(w, window);
        return w.ToArray();
    }

    public static CrossbarWindow DecodeRequest(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var window = WindowField.Read(ref r);
        r.ExpectEnd();
        return window;
    }

    public static byte[] EncodeResponse(ReadOnlySpan<float> siemens)
    {
        var w = new PayloadWriter(4 + 4 * siemens.Length);
        w.U32((uint)siemens.Length).F32s(siemens);
        return w.ToArray();
    }

    public static void DecodeResponse(ReadOnlySpan<byte> payload, Span<float> siemens)
    {
        var r = new PayloadReader(payload);
        uint cells = r.U32();
        if (cells != siemens.Length)
            throw new MalformedFrameException($"MEASURE answer has {cells} cells, expected {siemens.Length}");
        r.F32s(siemens);
        r.ExpectEnd();
    }
}

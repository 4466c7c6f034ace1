using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>A decoded READ request.</summary>
public sealed record ReadRequest(CrossbarWindow Window, AnalogActivation Activation, int Batch, float[] InputVolts);

/// <summary>READ request and response payloads (PROTOCOL.md §4.2).</summary>
public static class ReadMessages
{
    /// <summary>Bytes of a READ request before the inputs.</summary>
    public const int RequestFixedSize = WindowField.Size + 2 + 4;
    /// <summary>Bytes of a READ response before the outputs.</summary>
    public const int ResponseFixedSize = 8;

    public static byte[] EncodeRequest(CrossbarWindow window, AnalogActivation activation, ReadOnlySpan<float> inputVolts)
    {
        var w = new PayloadWriter(RequestFixedSize + 4 * inputVolts.Length);
        WindowField.Write(w, window);
        w.U8((byte)activation).U8(0).U32((uint)(inputVolts.Length / window.RowCount));
        w.F32s(inputVolts);
        return w.ToArray();
    }

    public static ReadRequest DecodeRequest(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var window = WindowField.Read(ref r);
        var activation = (AnalogActivation)r.U8();
        r.U8();
        uint batch = r.U32();
        long count = (long)batch * window.RowCount;
        // Only the layout is checked here (MALFORMED_PAYLOAD); a zero batch or an empty window has a
        // well-formed layout and is refused by the limit checks (LIMIT_REFUSED, PROTOCOL.md §5.1).
        if (count * 4 != r.Remaining)
            throw new MalformedFrameException($"READ carries {r.Remaining} input bytes; batch {batch} x {window.RowCount} rows needs {count * 4}");
        var inputs = new float[count];
        r.F32s(inputs);
        return new ReadRequest(window, activation, (int)batch, inputs);
    }

    public static byte[] EncodeResponse(int batch, int columns, ReadOnlySpan<float> outputAmps)
    {
        var w = new PayloadWriter(ResponseFixedSize + 4 * outputAmps.Length);
        w.U32((uint)batch).U16((ushort)columns).U16(0).F32s(outputAmps);
        return w.ToArray();
    }

    /// <summary>Decodes a READ response into <paramref name="outputAmps"/>, checking it answers the request asked.</summary>
    public static void DecodeResponse(ReadOnlySpan<byte> payload, int expectedBatch, int expectedColumns, Span<float> outputAmps)
    {
        var r = new PayloadReader(payload);
        uint batch = r.U32();
        int columns = r.U16();
        r.U16();
        if (batch != expectedBatch || columns != expectedColumns || outputAmps.Length != expectedBatch * expectedColumns)
            throw new MalformedFrameException($"READ answer is {batch} x {columns}, expected {expectedBatch} x {expectedColumns}");
        r.F32s(outputAmps);
        r.ExpectEnd();
    }
}

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>A decoded READ_CHAIN request. <see cref="InjectionAmps"/> is empty without injection.</summary>
public sealed record ChainReadRequest(int Batch, int Repeats, bool WantTaps, float[] InputVolts, float[] InjectionAmps)
{
    /// <summary>Result rows: batch x repeats.</summary>
    public long Rows => (long)Batch * Repeats;
}

/// <summary>
/// READ_CHAIN request and answer payloads (PROTOCOL.md §4.9). The request's layout depends on the chain's input and
/// neuron counts, which both sides know from DESCRIBE_CHAIN.
/// </summary>
public static class ChainReadMessages
{
    /// <summary>Bytes of a request before the inputs.</summary>
    public const int RequestFixedSize = 8;
    /// <summary>Bytes of an answer before the outputs.</summary>
    public const int ResponseFixedSize = 8;

    private const byte InjectionFlag = 1, TapsFlag = 2;

    /// <summary>Request bytes for <paramref name="batch"/> inputs.</summary>
    public static long RequestSize(long batch, int repeats, int inputs, int neurons, bool injection)
        => RequestFixedSize + 4 * batch * inputs + (injection ? 4 * batch * repeats * neurons : 0);

    /// <summary>Answer bytes for <paramref name="batch"/> inputs.</summary>
    public static long ResponseSize(long batch, int repeats, int outputs, int neurons, bool taps)
        => ResponseFixedSize + 4 * batch * repeats * (outputs + (taps ? neurons : 0));

    public static byte[] EncodeRequest(int repeats, bool wantTaps, int inputs, ReadOnlySpan<float> inputVolts, ReadOnlySpan<float> injectionAmps)
    {
        int batch = inputVolts.Length / inputs;
        var w = new PayloadWriter(RequestFixedSize + 4 * (inputVolts.Length + injectionAmps.Length));
        w.U32((uint)batch).U16(checked((ushort)repeats)).U8((byte)((injectionAmps.IsEmpty ? 0 : InjectionFlag) | (wantTaps ? TapsFlag : 0))).U8(0);
        w.F32s(inputVolts).F32s(injectionAmps);
        return w.ToArray();
    }

    /// <summary>Decodes a request; only the layout is checked here (a zero batch or repeat count is a refused value, not a layout fault).</summary>
    public static ChainReadRequest DecodeRequest(ReadOnlySpan<byte> payload, int inputs, int neurons)
    {
        var r = new PayloadReader(payload);
        uint batch = r.U32();
        int repeats = r.U16();
        byte flags = r.U8();
        r.U8();
        bool injection = (flags & InjectionFlag) != 0;
        // Compared by division, so no product of hostile field values can overflow into a match.
        long remaining = r.Remaining, inputBytes = 4L * batch * inputs; // at most 2^32 x 2^16 x 4
        long rest = remaining - inputBytes;
        bool fits = inputBytes <= remaining && (injection
            ? neurons > 0 && rest % (4L * neurons) == 0 && rest / (4L * neurons) == (long)batch * repeats
            : rest == 0);
        if (!fits)
            throw new MalformedFrameException($"READ_CHAIN carries {remaining} bytes after its header; {batch} inputs of {inputs} x {repeats} repeats{(injection ? $" with injection on {neurons} neurons" : "")} need a different length");
        var volts = new float[batch * (long)inputs];
        r.F32s(volts);
        var amps = injection ? new float[batch * (long)repeats * neurons] : [];
        r.F32s(amps);
        return new ChainReadRequest((int)batch, repeats, (flags & TapsFlag) != 0, volts, amps);
    }

    public static byte[] EncodeResponse(int rows, ReadOnlySpan<float> outputAmps, ReadOnlySpan<float> tapVolts)
    {
        var w = new PayloadWriter(ResponseFixedSize + 4 * (outputAmps.Length + tapVolts.Length));
        w.U32((uint)rows).U8(tapVolts.IsEmpty ? (byte)0 : (byte)1).U8(0).U16(0);
        w.F32s(outputAmps).F32s(tapVolts);
        return w.ToArray();
    }

    /// <summary>Decodes an answer into the caller's spans, checking it answers the request asked (rows, taps or not).</summary>
    public static void DecodeResponse(ReadOnlySpan<byte> payload, int expectedRows, Span<float> outputAmps, Span<float> tapVolts)
    {
        var r = new PayloadReader(payload);
        uint rows = r.U32();
        byte flags = r.U8();
        r.U8();
        r.U16();
        bool taps = (flags & 1) != 0;
        if (rows != expectedRows || taps == tapVolts.IsEmpty)
            throw new MalformedFrameException($"READ_CHAIN answer has {rows} rows{(taps ? " with taps" : "")}, expected {expectedRows}{(tapVolts.IsEmpty ? "" : " with taps")}");
        r.F32s(outputAmps);
        r.F32s(tapVolts);
        r.ExpectEnd();
    }
}

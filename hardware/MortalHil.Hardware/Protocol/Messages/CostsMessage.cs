using System.Text;
using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>
/// DESCRIBE_COSTS answer payload (PROTOCOL.md §4.11): one byte 0 for a board that states no costs, otherwise ten f64
/// (joules and seconds, in the order of <see cref="OperationCosts"/>) and the source text (u16 length + UTF-8).
/// </summary>
public static class CostsMessage
{
    /// <summary>Bytes before the source text.</summary>
    public const int FixedSize = 8 + 10 * 8 + 2;

    /// <summary>The answer of a board that states no costs.</summary>
    public static byte[] EncodeNone() => [0];

    /// <summary>Encodes the costs; a source text that would not fit <paramref name="maxPayload"/> is cut at a character boundary.</summary>
    public static byte[] Encode(OperationCosts c, int maxPayload)
    {
        var source = Encoding.UTF8.GetBytes(c.Source);
        int room = Math.Min(ushort.MaxValue, maxPayload - FixedSize);
        int n = Math.Min(source.Length, room);
        while (n > 0 && n < source.Length && (source[n] & 0xC0) == 0x80) n--; // never split a multi-byte character
        var w = new PayloadWriter(FixedSize + n);
        w.U8(1).U8(0).U16(0).U32(0);
        w.F64(c.DacConversionJoules).F64(c.AdcConversionJoules).F64(c.ChainAdcConversionJoules).F64(c.TapConversionJoules)
            .F64(c.InjectionConversionJoules).F64(c.CellReadJoules).F64(c.NeuronJoules).F64(c.PulseJoules)
            .F64(c.WindowReadSeconds).F64(c.ChainStageSeconds);
        w.U16((ushort)n).Bytes(source.AsSpan(0, n));
        return w.ToArray();
    }

    /// <summary>The costs, or null when the board states none.</summary>
    public static OperationCosts? Decode(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        byte present = r.U8();
        if (present == 0)
        {
            r.ExpectEnd();
            return null;
        }
        if (present != 1) throw new MalformedFrameException($"DESCRIBE_COSTS says 'costs present' = {present}, not 0 or 1");
        r.U8();
        r.U16();
        r.U32();
        var v = new double[10];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = r.F64();
            if (!double.IsFinite(v[i]) || v[i] < 0) throw new MalformedFrameException("DESCRIBE_COSTS has a negative or non-finite cost");
        }
        int n = r.U16();
        string source;
        try { source = new UTF8Encoding(false, true).GetString(r.Bytes(n)); }
        catch (DecoderFallbackException) { throw new MalformedFrameException("DESCRIBE_COSTS source is not valid UTF-8"); }
        r.ExpectEnd();
        return new OperationCosts
        {
            DacConversionJoules = v[0], AdcConversionJoules = v[1], ChainAdcConversionJoules = v[2], TapConversionJoules = v[3],
            InjectionConversionJoules = v[4], CellReadJoules = v[5], NeuronJoules = v[6], PulseJoules = v[7],
            WindowReadSeconds = v[8], ChainStageSeconds = v[9], Source = source,
        };
    }
}

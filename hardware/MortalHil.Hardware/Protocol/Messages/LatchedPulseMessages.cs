using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>A decoded PULSE_LATCHED request.</summary>
public sealed record LatchedPulseRequest(PulseRequest Request, int Stage, int Example, float RowProbability, int Slots,
    ulong[] ColumnTrains, sbyte[] ColumnPolarity);

/// <summary>PULSE_LATCHED request payload (PROTOCOL.md §4.10); the answer is a receipt (<see cref="PulseMessages"/>).</summary>
public static class LatchedPulseMessages
{
    /// <summary>Bytes before the column trains.</summary>
    public const int FixedSize = 32;

    public static byte[] Encode(in PulseRequest request, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity)
    {
        var w = new PayloadWriter(FixedSize + 9 * columnTrains.Length);
        w.U64(request.Id).F32(request.AmplitudeVolts).F32(request.WidthSeconds);
        w.U16(checked((ushort)stage)).U16(checked((ushort)columnTrains.Length)).U32((uint)example).F32(rowProbability);
        w.U8((byte)slots).U8(0).U16(0);
        w.U64s(columnTrains).I8s(columnPolarity);
        return w.ToArray();
    }

    /// <summary>Decodes a request; only the layout is checked (the column count field gives the length).</summary>
    public static LatchedPulseRequest Decode(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        ulong id = r.U64();
        float amplitude = r.F32(), width = r.F32();
        int stage = r.U16(), columns = r.U16();
        uint example = r.U32();
        float probability = r.F32();
        int slots = r.U8();
        r.U8();
        r.U16();
        if (9L * columns != r.Remaining)
            throw new MalformedFrameException($"PULSE_LATCHED carries {r.Remaining} train bytes; {columns} columns need {9L * columns}");
        var trains = new ulong[columns];
        var polarity = new sbyte[columns];
        r.U64s(trains);
        r.I8s(polarity);
        return new LatchedPulseRequest(new PulseRequest(id, amplitude, width), stage, (int)Math.Min(example, int.MaxValue), probability, slots, trains, polarity);
    }
}

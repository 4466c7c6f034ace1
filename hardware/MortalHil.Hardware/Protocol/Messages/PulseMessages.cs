using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>A decoded PULSE_CELLS request: one part (row band) of a pulse request.</summary>
public sealed record CellPulseRequest(PulseRequest Request, int Part, int PartCount, CrossbarWindow Window, short[] Counts);

/// <summary>A decoded PULSE_OUTER request.</summary>
public sealed record OuterProductRequest(PulseRequest Request, CrossbarWindow Window, int Slots,
    ulong[] RowTrains, sbyte[] RowPolarity, ulong[] ColumnTrains, sbyte[] ColumnPolarity);

/// <summary>A board's receipt for one part of a pulse request.</summary>
public readonly record struct PartReceipt(ulong Id, int Part, long PulsesApplied, bool Duplicate);

/// <summary>PULSE_CELLS, PULSE_OUTER and receipt payloads (PROTOCOL.md §4.3, §4.4).</summary>
public static class PulseMessages
{
    /// <summary>Bytes of a PULSE_CELLS request before the counts.</summary>
    public const int CellRequestFixedSize = 8 + 2 + 2 + 4 + 4 + WindowField.Size;
    /// <summary>Bytes of a receipt.</summary>
    public const int ReceiptSize = 8 + 2 + 1 + 1 + 8;

    public static byte[] EncodeCells(in PulseRequest request, int part, int partCount, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        var w = new PayloadWriter(CellRequestFixedSize + 2 * counts.Length);
        w.U64(request.Id).U16((ushort)part).U16((ushort)partCount).F32(request.AmplitudeVolts).F32(request.WidthSeconds);
        WindowField.Write(w, window);
        w.I16s(counts);
        return w.ToArray();
    }

    public static CellPulseRequest DecodeCells(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        ulong id = r.U64();
        int part = r.U16(), parts = r.U16();
        float amplitude = r.F32(), width = r.F32();
        var window = WindowField.Read(ref r);
        if ((long)window.RowCount * window.ColumnCount * 2 != r.Remaining)
            throw new MalformedFrameException($"PULSE_CELLS carries {r.Remaining} count bytes; a {window.RowCount}x{window.ColumnCount} window needs {2L * window.RowCount * window.ColumnCount}");
        var counts = new short[window.RowCount * window.ColumnCount];
        r.I16s(counts);
        return new CellPulseRequest(new PulseRequest(id, amplitude, width), part, parts, window, counts);
    }

    public static byte[] EncodeOuter(in PulseRequest request, CrossbarWindow window, in OuterProductTrains t)
    {
        var w = new PayloadWriter(8 + 8 + WindowField.Size + 2 + 9 * (window.RowCount + window.ColumnCount));
        w.U64(request.Id).F32(request.AmplitudeVolts).F32(request.WidthSeconds);
        WindowField.Write(w, window);
        w.U8((byte)t.Slots).U8(0);
        w.U64s(t.RowTrains).I8s(t.RowPolarity).U64s(t.ColumnTrains).I8s(t.ColumnPolarity);
        return w.ToArray();
    }

    public static OuterProductRequest DecodeOuter(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        ulong id = r.U64();
        float amplitude = r.F32(), width = r.F32();
        var window = WindowField.Read(ref r);
        int slots = r.U8();
        r.U8();
        if (9L * (window.RowCount + window.ColumnCount) != r.Remaining)
            throw new MalformedFrameException($"PULSE_OUTER carries {r.Remaining} train bytes; a {window.RowCount}x{window.ColumnCount} window needs {9L * (window.RowCount + window.ColumnCount)}");
        var rowTrains = new ulong[window.RowCount];
        var rowPolarity = new sbyte[window.RowCount];
        var columnTrains = new ulong[window.ColumnCount];
        var columnPolarity = new sbyte[window.ColumnCount];
        r.U64s(rowTrains);
        r.I8s(rowPolarity);
        r.U64s(columnTrains);
        r.I8s(columnPolarity);
        return new OuterProductRequest(new PulseRequest(id, amplitude, width), window, slots, rowTrains, rowPolarity, columnTrains, columnPolarity);
    }

    public static byte[] EncodeReceipt(PartReceipt receipt)
    {
        var w = new PayloadWriter(ReceiptSize);
        w.U64(receipt.Id).U16((ushort)receipt.Part).U8(receipt.Duplicate ? (byte)1 : (byte)0).U8(0).I64(receipt.PulsesApplied);
        return w.ToArray();
    }

    public static PartReceipt DecodeReceipt(ReadOnlySpan<byte> payload)
    {
        var r = new PayloadReader(payload);
        var receipt = new PartReceipt(r.U64(), r.U16(), 0, false);
        byte duplicate = r.U8();
        r.U8();
        long applied = r.I64();
        r.ExpectEnd();
        if (duplicate > 1 || applied < 0) throw new MalformedFrameException("receipt has an impossible duplicate flag or pulse count");
        return receipt with { PulsesApplied = applied, Duplicate = duplicate == 1 };
    }
}

using MortalHil.Core.Devices;

namespace MortalHil.Hardware.Protocol.Messages;

/// <summary>A <see cref="CrossbarWindow"/> on the wire: five u16 (tile, row0, rowCount, column0, columnCount), 10 bytes.</summary>
public static class WindowField
{
    public const int Size = 10;

    public static void Write(PayloadWriter w, CrossbarWindow window)
    {
        w.U16(ToU16(window.Tile, "tile")).U16(ToU16(window.Row0, "row0")).U16(ToU16(window.RowCount, "rowCount"))
            .U16(ToU16(window.Column0, "column0")).U16(ToU16(window.ColumnCount, "columnCount"));
    }

    public static CrossbarWindow Read(ref PayloadReader r) => new(r.U16(), r.U16(), r.U16(), r.U16(), r.U16());

    private static ushort ToU16(int v, string name) => v is >= 0 and <= ushort.MaxValue
        ? (ushort)v
        : throw new DeviceLimitException($"window {name} {v} does not fit the protocol's u16 field");
}

namespace MortalHil.Core.Devices;

/// <summary>A rectangle of cells on one tile: rows [Row0, Row0+RowCount), columns [Column0, Column0+ColumnCount).</summary>
public readonly record struct CrossbarWindow(int Tile, int Row0, int RowCount, int Column0, int ColumnCount)
{
    /// <summary>The whole tile <paramref name="tile"/> of a board with <paramref name="geometry"/>.</summary>
    public static CrossbarWindow Whole(int tile, TileGeometry geometry) => new(tile, 0, geometry.Rows, 0, geometry.Columns);

    /// <summary>Number of cells in the window.</summary>
    public int CellCount => RowCount * ColumnCount;

    /// <summary>Throws <see cref="DeviceLimitException"/> unless the window lies on the board.</summary>
    public void Validate(DeviceDescription description)
    {
        if ((uint)Tile >= (uint)description.TileCount)
            throw new DeviceLimitException($"tile {Tile} does not exist (board has {description.TileCount})");
        var g = description.Geometry;
        if (RowCount <= 0 || ColumnCount <= 0)
            throw new DeviceLimitException($"window of {RowCount} rows x {ColumnCount} columns is empty");
        if (Row0 < 0 || Row0 + RowCount > g.Rows || Column0 < 0 || Column0 + ColumnCount > g.Columns)
            throw new DeviceLimitException($"window rows {Row0}..{Row0 + RowCount - 1}, columns {Column0}..{Column0 + ColumnCount - 1} exceed the {g.Rows}x{g.Columns} tile");
    }
}

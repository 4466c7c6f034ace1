namespace MortalHil.Core.Devices;

/// <summary>Rows (driven by DACs) and columns (read by ADCs) of one crossbar tile.</summary>
public readonly record struct TileGeometry(int Rows, int Columns)
{
    public int Cells => Rows * Columns;
    public override string ToString() => $"{Rows}x{Columns}";
}

namespace MortalHil.Hardware.Spi.Selection;

/// <summary>Connects one cell (its row and its column) to the programming-pulse path, or nothing (read mode).</summary>
public interface ICellSelector
{
    /// <summary>Connects row <paramref name="row"/> and column <paramref name="column"/> (tile coordinates) and nothing else.</summary>
    void Select(int row, int column);

    /// <summary>Disconnects every row and column from the pulse path.</summary>
    void DeselectAll();

    /// <summary>Drives every selection line to its deselected level, whatever the selector believes (the safe state).</summary>
    void ReleaseAllLines();
}

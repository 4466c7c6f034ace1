using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Mapping;

/// <summary>
/// Places rectangular blocks on a board's tiles without overlap (bottom-left first fit over the
/// corners of blocks already placed). Blocks may share rows or columns of a tile: a read drives only
/// its own window's rows, so other blocks in the same columns contribute no current.
/// </summary>
public sealed class TileAllocator
{
    private readonly DeviceDescription _description;
    private readonly List<CrossbarWindow>[] _placed;

    public TileAllocator(DeviceDescription description, IEnumerable<CrossbarWindow>? occupied = null)
    {
        _description = description;
        _placed = Enumerable.Range(0, description.TileCount).Select(_ => new List<CrossbarWindow>()).ToArray();
        foreach (var w in occupied ?? []) _placed[w.Tile].Add(w);
    }

    /// <summary>Cells not yet allocated, over all tiles.</summary>
    public long FreeCells => (long)_description.TileCount * _description.Geometry.Cells - _placed.Sum(p => p.Sum(w => (long)w.CellCount));

    /// <summary>Finds room for a <paramref name="rows"/> x <paramref name="columns"/> window, or returns false.</summary>
    public bool TryAllocate(int rows, int columns, out CrossbarWindow window)
    {
        var g = _description.Geometry;
        window = default;
        if (rows > g.Rows || columns > g.Columns) return false;
        for (int t = 0; t < _placed.Length; t++)
        {
            var placed = _placed[t];
            var rowCandidates = placed.Select(w => w.Row0 + w.RowCount).Append(0).Distinct().Order().ToList();
            var colCandidates = placed.Select(w => w.Column0 + w.ColumnCount).Append(0).Distinct().Order().ToList();
            foreach (var r in rowCandidates)
            foreach (var c in colCandidates)
            {
                if (r + rows > g.Rows || c + columns > g.Columns) continue;
                var candidate = new CrossbarWindow(t, r, rows, c, columns);
                if (placed.Any(p => Overlaps(p, candidate))) continue;
                placed.Add(candidate);
                window = candidate;
                return true;
            }
        }
        return false;
    }

    private static bool Overlaps(CrossbarWindow a, CrossbarWindow b) =>
        a.Row0 < b.Row0 + b.RowCount && b.Row0 < a.Row0 + a.RowCount &&
        a.Column0 < b.Column0 + b.ColumnCount && b.Column0 < a.Column0 + a.ColumnCount;
}

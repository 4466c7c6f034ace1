namespace MortalHil.Core.Devices;

/// <summary>
/// Row and column pulse trains for a rank-1 parallel update (Gokmen &amp; Vlasov 2016 style
/// stochastic coincidence pulsing). Bit t of a train is slot t; at most 64 slots.
/// </summary>
public readonly ref struct OuterProductTrains
{
    public OuterProductTrains(int slots, ReadOnlySpan<ulong> rowTrains, ReadOnlySpan<sbyte> rowPolarity,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity)
    {
        Slots = slots;
        RowTrains = rowTrains;
        RowPolarity = rowPolarity;
        ColumnTrains = columnTrains;
        ColumnPolarity = columnPolarity;
    }

    /// <summary>Number of time slots used (1..64).</summary>
    public int Slots { get; }
    public ReadOnlySpan<ulong> RowTrains { get; }
    public ReadOnlySpan<sbyte> RowPolarity { get; }
    public ReadOnlySpan<ulong> ColumnTrains { get; }
    public ReadOnlySpan<sbyte> ColumnPolarity { get; }

    /// <summary>Throws <see cref="DeviceLimitException"/> unless the trains fit the window and use only the slots given.</summary>
    public void Validate(CrossbarWindow window)
    {
        if (Slots < 1 || Slots > 64) throw new DeviceLimitException($"outer-product slots {Slots} outside 1..64");
        if (RowTrains.Length != window.RowCount || RowPolarity.Length != window.RowCount)
            throw new DeviceLimitException($"row trains/polarities have {RowTrains.Length}/{RowPolarity.Length} entries, window has {window.RowCount} rows");
        if (ColumnTrains.Length != window.ColumnCount || ColumnPolarity.Length != window.ColumnCount)
            throw new DeviceLimitException($"column trains/polarities have {ColumnTrains.Length}/{ColumnPolarity.Length} entries, window has {window.ColumnCount} columns");
        ulong mask = Slots == 64 ? ulong.MaxValue : (1UL << Slots) - 1;
        foreach (var t in RowTrains) if ((t & ~mask) != 0) throw new DeviceLimitException("a row train uses slots beyond Slots");
        foreach (var t in ColumnTrains) if ((t & ~mask) != 0) throw new DeviceLimitException("a column train uses slots beyond Slots");
        foreach (var p in RowPolarity) if (p is < -1 or > 1) throw new DeviceLimitException("row polarity must be -1, 0 or +1");
        foreach (var p in ColumnPolarity) if (p is < -1 or > 1) throw new DeviceLimitException("column polarity must be -1, 0 or +1");
    }
}

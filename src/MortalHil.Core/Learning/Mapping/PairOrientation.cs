namespace MortalHil.Core.Learning.Mapping;

/// <summary>How the two conductances of a signed weight w ∝ G+ − G− sit on the crossbar.</summary>
public enum PairOrientation
{
    /// <summary>
    /// G+ and G− on adjacent columns (2j, 2j+1) of the same rows; the host subtracts the two column
    /// readings. Works with any board; each ADC sees the common-mode current too.
    /// </summary>
    Columns = 0,
    /// <summary>
    /// G+ and G− on adjacent rows (2i, 2i+1) of the same column, driven with +v and −v: the column
    /// current is already the difference, so the ADC range is spent on the signal only. Needs a bipolar DAC
    /// and twice the rows.
    /// </summary>
    Rows = 1,
}

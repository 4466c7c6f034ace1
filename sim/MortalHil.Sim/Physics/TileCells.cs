namespace MortalHil.Sim.Physics;

/// <summary>
/// Every cell of one tile, as parallel arrays (row-major, index = row * columns + column).
/// Hidden: nothing here is reachable from outside the simulator assembly.
/// </summary>
internal sealed class TileCells
{
    public const byte Free = 0, StuckLow = 1, StuckHigh = 2;
    public const byte FlagWornOut = 1;

    public readonly int Rows, Columns;

    // Manufacture (device-to-device) parameters. WMin/WMax shrink when a cell wears out.
    public readonly float[] WMin, WMax;       // the cell's own window, weight units (nominal [-1, 1])
    public readonly float[] DwUp, DwDown;     // mean step of one nominal pulse at w = 0
    public readonly float[] NuDeviation;      // standard normal: this cell's drift exponent relative to the mean
    public readonly float[] Endurance;        // pulses until wear-out
    public readonly double[] AgeStuckSeconds; // board age at which the cell sticks from age alone (+inf: never)

    // State.
    public readonly float[] W;                // hidden persistent state, weight units
    public readonly float[] WriteNoise;       // visible offset left by the last write
    public readonly byte[] Stuck;
    public readonly byte[] Flags;
    public readonly int[] Wear;               // pulses received over the cell's life
    public readonly double[] ProgrammedAt;    // board clock (s) when last written; drift counts from here
    public readonly float[] Nu;               // drift exponent fixed at the last write

    // Per column periphery.
    public readonly float[] ColumnGain, ColumnOffsetAmps, NeuronGain, NeuronOffsetAmps;

    // Derived caches (recomputed, never saved).
    public readonly float[] Visible;          // conductance a perfect single-cell measurement would see, S
    public readonly float[] IrFactor;         // first-order IR-drop attenuation of each cell's contribution
    public readonly float[] Effective;        // Visible * IrFactor * ColumnGain: what the analog MAC uses

    public TileCells(int rows, int columns)
    {
        Rows = rows; Columns = columns;
        int n = rows * columns;
        WMin = new float[n]; WMax = new float[n]; DwUp = new float[n]; DwDown = new float[n];
        NuDeviation = new float[n]; Endurance = new float[n]; AgeStuckSeconds = new double[n];
        W = new float[n]; WriteNoise = new float[n]; Stuck = new byte[n]; Flags = new byte[n];
        Wear = new int[n]; ProgrammedAt = new double[n]; Nu = new float[n];
        ColumnGain = new float[columns]; ColumnOffsetAmps = new float[columns];
        NeuronGain = new float[columns]; NeuronOffsetAmps = new float[columns];
        Visible = new float[n]; IrFactor = new float[n]; Effective = new float[n];
    }

    public int Count => Rows * Columns;

    public int StuckCount()
    {
        int s = 0;
        foreach (byte b in Stuck) if (b != Free) s++;
        return s;
    }
}

namespace MortalHil.Core.Characterization;

/// <summary>What <see cref="BoardCharacterizer"/> measured about a board, through <see cref="Devices.IDevice"/> only. SI units.</summary>
public sealed record CharacterizationReport
{
    public required string SerialNumber { get; init; }
    public required string Kind { get; init; }
    public required int Tiles { get; init; }
    public required int Rows { get; init; }
    public required int Cols { get; init; }

    /// <summary>Cells that moved neither up nor down under programming pulses, over all tiles.</summary>
    public required int StuckCells { get; init; }
    public required double StuckFraction { get; init; }
    public required IReadOnlyList<int> StuckCellsPerTile { get; init; }

    /// <summary>Std of repeated array reads of one input, over the mean column output (median over columns).</summary>
    public required double ReadNoiseRel { get; init; }
    /// <summary>Std of repeated array reads of one input, amperes (median over columns).</summary>
    public required double ReadNoiseAmps { get; init; }
    /// <summary>Std of repeated single-cell measurements, siemens (median over cells).</summary>
    public required double MeasureNoiseSiemens { get; init; }
    /// <summary>Std of repeated single-cell measurements over the conductance (median over cells).</summary>
    public required double MeasureNoiseRel { get; init; }

    /// <summary>Median conductance of sampled cells driven to their lower bound, siemens.</summary>
    public required double ConductanceMin { get; init; }
    /// <summary>Median conductance of sampled cells driven to their upper bound, siemens.</summary>
    public required double ConductanceMax { get; init; }
    /// <summary>Cell-to-cell spread (std / mean) of the lower and upper bounds among sampled cells.</summary>
    public required double ConductanceMinSpreadRel { get; init; }
    public required double ConductanceMaxSpreadRel { get; init; }
    /// <summary>Cells sampled for the window and pulse-response measurements.</summary>
    public required int SampledCells { get; init; }

    /// <summary>Mean conductance change per nominal pulse near mid-window, up and down, siemens.</summary>
    public required double StepUpSiemens { get; init; }
    public required double StepDownSiemens { get; init; }
    /// <summary>(up - down) / (up + down) of the mid-window steps; aihwkit's up_down has the same sign.</summary>
    public required double AsymmetryEstimate { get; init; }
    /// <summary>Window width over the mean mid-window step: how many nominal pulses span the window.</summary>
    public required double StepsEstimate { get; init; }
    public required int PulsesToSaturateUp { get; init; }
    public required int PulsesToSaturateDown { get; init; }

    /// <summary>Per-column ratio of an array read to the product of measured conductances: mean and relative std (gain mismatch, IR drop).</summary>
    public required double ReadOverMeasuredMean { get; init; }
    public required double ReadOverMeasuredSpreadRel { get; init; }

    /// <summary>Relative spread (std / mean) of the sampled cells' own mid-window steps.</summary>
    public double StepSpreadRel { get; init; }
    /// <summary>Median scatter of a sampled cell's conductance about its own mid-window line during the sweeps (write, cycle-to-cycle and measurement noise), siemens.</summary>
    public double SweepResidualSiemens { get; init; }
    /// <summary>Of the stuck cells of tile 0, the fraction stuck nearer the top of the window.</summary>
    public double StuckHighFraction { get; init; }
    public required long PulsesApplied { get; init; }
    public required long ReadsUsed { get; init; }

    /// <summary>Conductance map of tile 0 as found (before any pulse), row-major, siemens. Kept out of the JSON report (it is a picture).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[] ConductanceMap { get; init; } = [];
    /// <summary>Pulse-response curves of a few cells: conductance after each chunk of pulses, up then down.</summary>
    public required PulseResponseCurves PulseResponse { get; init; }
}

/// <summary>Conductance of a few cells against cumulative pulse number: up from the lower bound, then down from the upper.</summary>
public sealed record PulseResponseCurves
{
    /// <summary>Pulse number at each point (cumulative, up then down).</summary>
    public required IReadOnlyList<int> PulseNumber { get; init; }
    /// <summary>Number of leading points that belong to the up sweep.</summary>
    public required int UpPoints { get; init; }
    /// <summary>Cell labels, e.g. "t0 r512 c256".</summary>
    public required IReadOnlyList<string> Cells { get; init; }
    /// <summary>Conductance (S) per cell per point.</summary>
    public required IReadOnlyList<float[]> Siemens { get; init; }
}

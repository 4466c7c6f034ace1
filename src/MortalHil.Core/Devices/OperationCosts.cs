namespace MortalHil.Core.Devices;

/// <summary>
/// Energy (joules) and time (seconds) of each kind of board operation, datasheet-level: a host's ledger multiplies
/// them by what it asked for. Each number's source is the board's (for a simulated board, its preset's).
/// </summary>
public sealed record OperationCosts
{
    /// <summary>One row-DAC conversion (one input value applied to one row).</summary>
    public required double DacConversionJoules { get; init; }
    /// <summary>One column-ADC conversion of an ordinary window read (per column).</summary>
    public required double AdcConversionJoules { get; init; }
    /// <summary>One output-ADC conversion of a chain read (per differential pair).</summary>
    public required double ChainAdcConversionJoules { get; init; }
    /// <summary>One monitor-tap conversion.</summary>
    public required double TapConversionJoules { get; init; }
    /// <summary>One injection-DAC conversion (one neuron's injected current in one read).</summary>
    public required double InjectionConversionJoules { get; init; }
    /// <summary>Array energy of one cell in one vector read (the multiply-accumulate in the cell).</summary>
    public required double CellReadJoules { get; init; }
    /// <summary>One analog neuron evaluating once.</summary>
    public required double NeuronJoules { get; init; }
    /// <summary>One programming pulse on one cell.</summary>
    public required double PulseJoules { get; init; }
    /// <summary>One vector read of one window, conversions included.</summary>
    public required double WindowReadSeconds { get; init; }
    /// <summary>Settling of one analog stage of a chain (no conversion).</summary>
    public required double ChainStageSeconds { get; init; }
    /// <summary>Where each number comes from.</summary>
    public required string Source { get; init; }
}

namespace MortalHil.Core.Learning.Accounting;

/// <summary>How many of each costed operation a piece of work asked of a board.</summary>
public readonly record struct OperationCounts
{
    public long DacConversions { get; init; }
    /// <summary>Column-ADC conversions of ordinary window reads.</summary>
    public long AdcConversions { get; init; }
    /// <summary>Output-ADC conversions of chain reads.</summary>
    public long ChainAdcConversions { get; init; }
    public long TapConversions { get; init; }
    public long InjectionConversions { get; init; }
    /// <summary>Cells conducting in a vector read (one cell in one read counts one).</summary>
    public long CellReads { get; init; }
    public long NeuronEvaluations { get; init; }

    public static OperationCounts operator +(OperationCounts a, OperationCounts b) => new()
    {
        DacConversions = a.DacConversions + b.DacConversions, AdcConversions = a.AdcConversions + b.AdcConversions,
        ChainAdcConversions = a.ChainAdcConversions + b.ChainAdcConversions, TapConversions = a.TapConversions + b.TapConversions,
        InjectionConversions = a.InjectionConversions + b.InjectionConversions, CellReads = a.CellReads + b.CellReads,
        NeuronEvaluations = a.NeuronEvaluations + b.NeuronEvaluations,
    };

    public static OperationCounts operator -(OperationCounts a, OperationCounts b) => new()
    {
        DacConversions = a.DacConversions - b.DacConversions, AdcConversions = a.AdcConversions - b.AdcConversions,
        ChainAdcConversions = a.ChainAdcConversions - b.ChainAdcConversions, TapConversions = a.TapConversions - b.TapConversions,
        InjectionConversions = a.InjectionConversions - b.InjectionConversions, CellReads = a.CellReads - b.CellReads,
        NeuronEvaluations = a.NeuronEvaluations - b.NeuronEvaluations,
    };
}

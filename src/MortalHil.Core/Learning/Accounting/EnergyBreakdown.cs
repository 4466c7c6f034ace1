using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Accounting;

/// <summary>Energy (joules) of a piece of board work by kind: converters, array, neurons, injection, programming.</summary>
public sealed record EnergyBreakdown(double DacJoules, double AdcJoules, double TapJoules, double InjectionJoules,
    double ArrayJoules, double NeuronJoules, double ProgrammingJoules)
{
    /// <summary>All converters: row DACs, column and output ADCs, taps (injection DACs are listed on their own).</summary>
    public double ConverterJoules => DacJoules + AdcJoules + TapJoules;
    public double TotalJoules => DacJoules + AdcJoules + TapJoules + InjectionJoules + ArrayJoules + NeuronJoules + ProgrammingJoules;

    public static EnergyBreakdown Of(OperationCounts n, long pulses, OperationCosts c) => new(
        n.DacConversions * c.DacConversionJoules,
        n.AdcConversions * c.AdcConversionJoules + n.ChainAdcConversions * c.ChainAdcConversionJoules,
        n.TapConversions * c.TapConversionJoules,
        n.InjectionConversions * c.InjectionConversionJoules,
        n.CellReads * c.CellReadJoules,
        n.NeuronEvaluations * c.NeuronJoules,
        pulses * c.PulseJoules);

    /// <summary>Every part divided by <paramref name="n"/> (e.g. per inference or per step).</summary>
    public EnergyBreakdown Per(double n) => n <= 0 ? this : new(DacJoules / n, AdcJoules / n, TapJoules / n, InjectionJoules / n,
        ArrayJoules / n, NeuronJoules / n, ProgrammingJoules / n);
}

using MortalHil.Core.Devices;

namespace MortalHil.Core.Learning.Accounting;

/// <summary>
/// Board work per unit (per inference, per training step): operation counts, board time and, where the board
/// states its costs, energy by part. For reports (train.json, experiment mortal); the parts add up to the total.
/// </summary>
public sealed record WorkReport(double Units, double BoardSeconds, double Pulses, double DacConversions, double AdcConversions,
    double ChainAdcConversions, double TapConversions, double InjectionConversions, double CellReads, double NeuronEvaluations,
    EnergyBreakdown? Energy)
{
    /// <summary><paramref name="work"/> divided by <paramref name="units"/>.</summary>
    public static WorkReport Of(LedgerSnapshot work, long units, OperationCosts? costs)
    {
        double n = Math.Max(1, units);
        var o = work.Operations;
        return new WorkReport(units, work.BusySeconds / n, work.PulsesApplied / n, o.DacConversions / n, o.AdcConversions / n,
            o.ChainAdcConversions / n, o.TapConversions / n, o.InjectionConversions / n, o.CellReads / n, o.NeuronEvaluations / n,
            costs is null ? null : work.Energy(costs).Per(n));
    }

    /// <summary>A JSON-friendly view (snake_case names, joules).</summary>
    public object ToJson() => new
    {
        units = Units,
        board_seconds = BoardSeconds,
        pulses = Pulses,
        dac_conversions = DacConversions,
        adc_conversions = AdcConversions,
        chain_adc_conversions = ChainAdcConversions,
        tap_conversions = TapConversions,
        injection_conversions = InjectionConversions,
        cell_reads = CellReads,
        neuron_evaluations = NeuronEvaluations,
        energy_joules = Energy is { } e ? new
        {
            total = e.TotalJoules,
            converters = e.ConverterJoules,
            dac = e.DacJoules,
            adc = e.AdcJoules,
            taps = e.TapJoules,
            injection = e.InjectionJoules,
            array = e.ArrayJoules,
            neurons = e.NeuronJoules,
            programming = e.ProgrammingJoules,
        } : null,
    };
}

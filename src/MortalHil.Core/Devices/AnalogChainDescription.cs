using UnitsNet;

namespace MortalHil.Core.Devices;

/// <summary>
/// A board's analog chain, as its datasheet states it: crossbar windows wired through on-board analog neurons,
/// so one read runs input DACs -> window -> neurons -> next window -> ... -> output ADC without converting in
/// between. It states stage sizes and the converters the host can use (injection DACs, monitor taps, output
/// ADC) with their resolution and range, never the neurons' transfer functions or the board's wiring faults.
/// </summary>
/// <remarks>
/// Every stage reads its window's columns as differential pairs: output j of a stage is the current of column
/// 2j minus that of column 2j+1 (the G+ and G- devices of a weight). A stage whose <see cref="ChainStage.Source"/>
/// is -1 takes the host's input vector through the row DACs; otherwise its rows are driven by the neurons of the
/// stage it names (row i by neuron i, as wired), and, with <see cref="ChainStage.BiasRow"/>, its last row is held
/// at <see cref="ChainNeuronDatasheet.BiasVoltage"/>. Neuron stages feed later stages; ADC stages are digitised
/// by the output ADC. Neurons are numbered across all neuron stages in stage order, outputs across all ADC
/// stages in stage order.
/// </remarks>
public sealed record AnalogChainDescription
{
    public required IReadOnlyList<ChainStage> Stages { get; init; }
    public required ChainNeuronDatasheet Neurons { get; init; }
    /// <summary>The converter of the ADC stages: a bipolar ADC on each pair's difference current.</summary>
    public required AdcSpec OutputAdc { get; init; }
    /// <summary>Current injection at every neuron's input, or null when the board has none.</summary>
    public ChainInjectionSpec? Injection { get; init; }
    /// <summary>Monitor taps digitising every neuron's output, or null when hidden activity cannot be seen.</summary>
    public ChainTapSpec? Taps { get; init; }
    /// <summary>The board can apply a rank-1 update whose row trains come from the activity latched in the last chain read.</summary>
    public required bool LatchedUpdates { get; init; }

    /// <summary>Length of one input vector (rows of the stage fed by the DACs, without its bias row).</summary>
    public int InputCount => Stages.Where(s => s.Source < 0).Select(s => s.Inputs).DefaultIfEmpty(0).Max();
    /// <summary>Neurons of all neuron stages.</summary>
    public int NeuronCount => Stages.Where(s => s.Sink == ChainSink.Neurons).Sum(s => s.Outputs);
    /// <summary>Digitised outputs of all ADC stages.</summary>
    public int OutputCount => Stages.Where(s => s.Sink == ChainSink.Adc).Sum(s => s.Outputs);

    /// <summary>Index of stage <paramref name="stage"/>'s first neuron (neuron stages) or first output (ADC stages).</summary>
    public int OffsetOf(int stage)
    {
        int offset = 0;
        for (int s = 0; s < stage; s++)
            if (Stages[s].Sink == Stages[stage].Sink) offset += Stages[s].Outputs;
        return offset;
    }

    /// <summary>Throws <see cref="DeviceLimitException"/> unless the stages form a chain that lies on the board.</summary>
    public void Validate(DeviceDescription board)
    {
        if (Stages.Count == 0) throw new DeviceLimitException("an analog chain needs at least one stage");
        int inputs = -1;
        for (int s = 0; s < Stages.Count; s++)
        {
            var st = Stages[s];
            st.Window.Validate(board);
            if (st.Inputs < 1 || st.Outputs < 1) throw new DeviceLimitException($"chain stage {s} has {st.Inputs} inputs and {st.Outputs} outputs");
            if (st.Window.RowCount != st.Inputs + (st.BiasRow ? 1 : 0) || st.Window.ColumnCount != 2 * st.Outputs)
                throw new DeviceLimitException($"chain stage {s}: window {st.Window} does not hold {st.Inputs} inputs{(st.BiasRow ? " + bias row" : "")} x {st.Outputs} column pairs");
            if (st.Source >= s || st.Source < -1) throw new DeviceLimitException($"chain stage {s} takes its rows from stage {st.Source}, which is not an earlier stage");
            if (st.Source < 0)
            {
                if (inputs >= 0 && inputs != st.Inputs) throw new DeviceLimitException("chain stages fed by the DACs disagree on the input length");
                inputs = st.Inputs;
            }
            else
            {
                var src = Stages[st.Source];
                if (src.Sink != ChainSink.Neurons) throw new DeviceLimitException($"chain stage {s} takes its rows from stage {st.Source}, which has no neurons");
                if (src.Outputs != st.Inputs) throw new DeviceLimitException($"chain stage {s} has {st.Inputs} inputs but stage {st.Source} has {src.Outputs} neurons");
            }
        }
        if (inputs < 0) throw new DeviceLimitException("no chain stage takes the input DACs");
        if (OutputCount == 0) throw new DeviceLimitException("an analog chain needs at least one ADC stage");
    }
}

/// <summary>Where a stage's column pairs go.</summary>
public enum ChainSink
{
    /// <summary>Into analog neurons whose outputs drive later stages' rows.</summary>
    Neurons = 0,
    /// <summary>Into the output ADC.</summary>
    Adc = 1,
}

/// <summary>One stage of a chain: a window, the stage its rows come from (-1: the input DACs), and where its pairs go.</summary>
public sealed record ChainStage(CrossbarWindow Window, int Source, int Inputs, bool BiasRow, int Outputs, ChainSink Sink);

/// <summary>
/// The neurons' datasheet: the nominal input current at which a neuron's output reaches full scale, the output
/// swing that drives the next rows, and the bias-row voltage. Each real neuron differs, in ways not stated.
/// </summary>
public sealed record ChainNeuronDatasheet(ElectricCurrent NominalInputFullScale, ElectricPotential OutputFullScale, ElectricPotential BiasVoltage)
{
    public float InputFullScaleAmps => (float)NominalInputFullScale.Amperes;
    public float OutputFullScaleVolts => (float)OutputFullScale.Volts;
    public float BiasVolts => (float)BiasVoltage.Volts;
}

/// <summary>Current injection DACs at the neurons' inputs: bipolar, <see cref="Bits"/> bits over ±<see cref="FullScale"/>, with output noise <see cref="NoiseRms"/>.</summary>
public sealed record ChainInjectionSpec(int Bits, ElectricCurrent FullScale, ElectricCurrent NoiseRms)
{
    public float FullScaleAmps => (float)FullScale.Amperes;
    public float StepAmps => 2f * FullScaleAmps / ((1 << Bits) - 2);
}

/// <summary>Monitor taps: an ADC of <see cref="Bits"/> bits over [0, <see cref="FullScale"/>] (and the same below 0) on every neuron's output.</summary>
public sealed record ChainTapSpec(int Bits, ElectricPotential FullScale)
{
    public float FullScaleVolts => (float)FullScale.Volts;
    public float StepVolts => 2f * FullScaleVolts / ((1 << Bits) - 2);
}

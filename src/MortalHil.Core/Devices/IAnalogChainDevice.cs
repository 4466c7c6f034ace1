namespace MortalHil.Core.Devices;

/// <summary>
/// A board that may describe an analog chain (<see cref="DeviceDescription.AnalogChain"/>). Callers discover the
/// chain through the description; a board that implements this interface but describes no chain refuses these
/// calls with <see cref="DeviceLimitException"/>. Everything in <see cref="IDevice"/> keeps working as before.
/// </summary>
public interface IAnalogChainDevice : IDevice
{
    /// <summary>
    /// One read through the whole chain for a batch of inputs (volts, <c>batch x InputCount</c>, row-major). Each
    /// input is applied <paramref name="repeats"/> times while the DACs hold it (the injection changes between
    /// repeats; result row <c>b * repeats + r</c> is input b's r-th repeat). <paramref name="injectionAmps"/> is
    /// empty or holds <c>batch * repeats x NeuronCount</c> currents added at the neurons' inputs (refused beyond the
    /// injection DACs' range). <paramref name="outputAmps"/> receives <c>batch * repeats x OutputCount</c>
    /// differential currents as the output ADC reports them. <paramref name="tapVolts"/> is empty (no conversion)
    /// or receives <c>batch * repeats x NeuronCount</c> neuron outputs as the monitor taps report them.
    /// The board latches every stage's row voltages of every result row until the next chain read.
    /// </summary>
    void ReadChain(ReadOnlySpan<float> inputVolts, int repeats, ReadOnlySpan<float> injectionAmps, Span<float> outputAmps, Span<float> tapVolts);

    /// <summary>
    /// A rank-1 update of stage <paramref name="stage"/>'s window whose row trains the board draws itself from the
    /// row voltages latched for result row <paramref name="example"/> of the last chain read: in each slot, row i
    /// fires with probability <paramref name="rowProbability"/> x |v_i| / (its full scale), with polarity sign(v_i).
    /// Columns fire as the host's trains say. Same exactly-once rule as <see cref="IDevice.ApplyOuterProductPulses"/>.
    /// </summary>
    PulseReceipt ApplyLatchedOuterProduct(in PulseRequest request, int stage, int example, float rowProbability, int slots,
        ReadOnlySpan<ulong> columnTrains, ReadOnlySpan<sbyte> columnPolarity);
}

namespace MortalHil.Core.Devices;

/// <summary>
/// What a physical crossbar board can do, and nothing more. Every learner, monitor and
/// distiller sees a board only through this contract; simulators and real drivers are
/// adapters behind it.
/// </summary>
/// <remarks>
/// Units on the hot path are SI base units in <see cref="float"/> spans: volts in, amperes
/// out, siemens from <see cref="MeasureConductances"/>. The <see cref="Description"/> states
/// the same limits as UnitsNet quantities. A request outside those limits is refused with a
/// <see cref="DeviceLimitException"/>, never silently clipped. A board that has died throws
/// <see cref="DeviceFailedException"/> from every call except <see cref="Description"/>.
/// Implementations need not be thread-safe: one caller drives a board at a time.
/// </remarks>
public interface IDevice : IDisposable
{
    /// <summary>Identity, geometry, converters, safe limits and capabilities. Never changes.</summary>
    DeviceDescription Description { get; }

    /// <summary>
    /// Applies a batch of input vectors (volts, row-major: <c>batch x window.RowCount</c>) to the
    /// rows of <paramref name="window"/> (all other rows of the tile are held at 0 V) and writes
    /// the column outputs (amperes, row-major: <c>batch x window.ColumnCount</c>) exactly as the
    /// board's converters report them: noisy, quantized to the ADC step, saturated at full scale.
    /// With an <paramref name="activation"/> other than <see cref="AnalogActivation.None"/> the
    /// board's analog neurons transform each output first (only if the board describes them).
    /// </summary>
    void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps,
        AnalogActivation activation = AnalogActivation.None);

    /// <summary>
    /// Applies per-cell programming pulses: <paramref name="counts"/> holds one signed count per
    /// cell of <paramref name="window"/> (row-major), positive to potentiate (raise conductance),
    /// negative to depress. Pulses change the board irreversibly and wear it.
    /// A request whose <see cref="PulseRequest.Id"/> was already applied is not applied again:
    /// the receipt of the first application is returned with <see cref="PulseReceipt.Duplicate"/> set.
    /// </summary>
    PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts);

    /// <summary>
    /// The parallel rank-1 update real crossbars use for outer products: every row and every column
    /// of <paramref name="window"/> drives a train of up to 64 time slots (bit t set = fires in slot t)
    /// with a polarity (+1, -1 or 0). Cell (i, j) receives one pulse for every slot in which both its
    /// row and its column fire, in the direction rowPolarity[i] * columnPolarity[j].
    /// Same exactly-once rule as <see cref="ApplyCellPulses"/>.
    /// </summary>
    PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains);

    /// <summary>
    /// Slow per-cell conductance readout (siemens, row-major over <paramref name="window"/>), noisy
    /// as the board's measurement path is. For characterisation and health, not for inference.
    /// </summary>
    void MeasureConductances(CrossbarWindow window, Span<float> siemens);

    /// <summary>Temperature, uptime, wear counters, self-test and link statistics, as of now.</summary>
    DeviceHealth ReadHealth();
}

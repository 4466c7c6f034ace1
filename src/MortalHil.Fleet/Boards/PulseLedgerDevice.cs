using MortalHil.Core.Devices;

namespace MortalHil.Fleet.Boards;

/// <summary>
/// A board as its node serves it to the fleet: every call goes to the board, and every pulse request is written in a
/// ledger (its id, and the pulses the board reported applying the first time). The ledger is the node's own record of
/// what reached the board, independent of any coordinator: a request id that reaches the board twice, or a board whose
/// pulse counter moved by more than the first applications add up to, is a pulse applied twice.
/// </summary>
internal sealed class PulseLedgerDevice(IDevice board) : IDevice
{
    private readonly HashSet<ulong> _ids = [];
    private readonly long _pulsesAtStart = board.ReadHealth().TotalPulses;

    public IDevice Board => board;
    public DeviceDescription Description => board.Description;

    /// <summary>The board's own pulse counter when the node began serving it.</summary>
    public long PulsesAtStart => _pulsesAtStart;
    /// <summary>Pulses the board reported applying for request ids it had not seen before.</summary>
    public long PulsesFirstApplied { get; private set; }
    /// <summary>Distinct pulse request ids that reached the board.</summary>
    public int DistinctRequests => _ids.Count;
    /// <summary>Requests that reached the board with an id it had already applied (the board refuses them; must stay 0 here,
    /// since the protocol handler in front answers repeats from its own receipts).</summary>
    public long RepeatedIdsReachingBoard { get; private set; }

    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
        => board.Read(window, inputVolts, outputAmps, activation);

    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
        => Note(request.Id, board.ApplyCellPulses(request, window, counts));

    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
        => Note(request.Id, board.ApplyOuterProductPulses(request, window, trains));

    public void MeasureConductances(CrossbarWindow window, Span<float> siemens) => board.MeasureConductances(window, siemens);

    public DeviceHealth ReadHealth() => board.ReadHealth();

    private PulseReceipt Note(ulong id, PulseReceipt receipt)
    {
        if (!_ids.Add(id)) RepeatedIdsReachingBoard++;
        if (!receipt.Duplicate) PulsesFirstApplied += receipt.PulsesApplied;
        return receipt;
    }

    /// <summary>The board belongs to the node's <see cref="LocalBoards"/>, which disposes it.</summary>
    public void Dispose() { }
}

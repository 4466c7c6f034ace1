using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Virtual;
using MortalHil.Sim;

namespace MortalHil.Fleet.Boards;

/// <summary>
/// The board end of the fleet's board link: the board protocol (hardware/PROTOCOL.md) answered on the board's own node,
/// so a coordinator on any silo drives the board exactly as a host drives a board on a serial line (retransmissions
/// answered from the last answer, repeated pulse ids from their first receipt). Lives as long as the node, not as a
/// grain activation: the receipts must outlive a coordinator that moved.
/// </summary>
internal sealed class BoardEndpoint
{
    private readonly BoardRequestHandler _handler;
    private readonly FrameSplitter _splitter;

    public BoardEndpoint(IDevice board)
    {
        Ledger = new PulseLedgerDevice(board);
        _handler = new BoardRequestHandler(Ledger);
        _splitter = new FrameSplitter(ProtocolConstants.MaxBlockFor(_handler.MaxPayload));
    }

    public PulseLedgerDevice Ledger { get; }
    public long DuplicatePulseRequestsAnswered => _handler.DuplicatePulses;
    public long FramesReceived => _handler.FramesReceived;

    /// <summary>Handles the complete frames in <paramref name="bytes"/> (COBS blocks ending in 0x00) and returns the answers, concatenated.</summary>
    public byte[] Exchange(ReadOnlySpan<byte> bytes)
    {
        var answers = new List<byte[]>();
        _splitter.Feed(bytes, block =>
        {
            if (_handler.Handle(block) is { } answer) answers.Add(answer);
        });
        return answers.Count == 1 ? answers[0] : answers.SelectMany(a => a).ToArray();
    }

    /// <summary>Lets board time pass: a simulated board ages; a real one ignores it (its time passes by itself).</summary>
    public void AdvanceClock(TimeSpan dt)
    {
        if (Ledger.Board is SimulatedBoard sim) sim.AdvanceTime(dt);
    }
}

namespace MortalHil.Fleet.Boards;

/// <summary>A board attached to one node, reached from anywhere in the fleet. Key: <c>NODE/SERIAL</c>.</summary>
public interface IBoardGrain : IGrainWithStringKey
{
    /// <summary>The board's health as its own node reads it.</summary>
    Task<BoardReport> Report();

    /// <summary>
    /// The board link: complete protocol frames from a host (hardware/PROTOCOL.md), answered by the board's node; the
    /// answers come back concatenated (empty when a frame deserves no answer).
    /// </summary>
    Task<byte[]> Exchange(byte[] frames);

    /// <summary>Lets <paramref name="dt"/> of board time pass (a simulated board ages; a real one ignores it).</summary>
    Task AdvanceClock(TimeSpan dt);

    /// <summary>The node's ledger of pulses that reached the board over the link.</summary>
    Task<BoardPulseLedger> Ledger();
}

/// <summary>What a board's node counted about the pulses that reached it over the fleet's board link.</summary>
/// <param name="BoardPulses">The board's own pulse counter now.</param>
/// <param name="BoardPulsesAtStart">The board's counter when the node began serving it over the link.</param>
/// <param name="PulsesFirstApplied">Pulses the board reported applying for request ids new to it.</param>
/// <param name="DistinctRequests">Distinct pulse request ids that reached the board.</param>
/// <param name="RepeatedIdsReachingBoard">Requests that reached the board with an id already applied.</param>
/// <param name="RepeatsAnsweredFromReceipts">Repeated pulse requests the protocol handler answered from the first receipt.</param>
[GenerateSerializer, Immutable]
public sealed record BoardPulseLedger(
    [property: Id(0)] long BoardPulses,
    [property: Id(1)] long BoardPulsesAtStart,
    [property: Id(2)] long PulsesFirstApplied,
    [property: Id(3)] int DistinctRequests,
    [property: Id(4)] long RepeatedIdsReachingBoard,
    [property: Id(5)] long RepeatsAnsweredFromReceipts)
{
    /// <summary>Pulses on the board beyond what first applications account for (0 when no pulse was applied twice).</summary>
    public long PulsesAppliedTwice => BoardPulses - BoardPulsesAtStart - PulsesFirstApplied;
}

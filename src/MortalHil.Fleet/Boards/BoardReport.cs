namespace MortalHil.Fleet.Boards;

/// <summary>How a board looks from the fleet.</summary>
public enum BoardReachability
{
    /// <summary>Its node's silo answered and the board reported alive.</summary>
    Alive,
    /// <summary>Its node's silo answered and the board reported dead (failed self-test or worn out).</summary>
    Dead,
    /// <summary>Its node's silo is gone or did not answer: nothing is known about the board itself.</summary>
    Unreachable,
}

/// <summary>One board's line in <c>fleet status</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record BoardReport(
    [property: Id(0)] string Node,
    [property: Id(1)] string Serial,
    [property: Id(2)] string Spec,
    [property: Id(3)] string Kind,
    [property: Id(4)] BoardReachability State,
    [property: Id(5)] long TotalPulses,
    [property: Id(6)] long MaxCellPulses,
    [property: Id(7)] double UptimeHours,
    [property: Id(8)] string? Error);

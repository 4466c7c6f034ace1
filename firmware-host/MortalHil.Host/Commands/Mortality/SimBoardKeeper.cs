using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Sim;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// Keeps simulated boards across host crashes (their board file, as bytes) and lets simulated time
/// pass on them. Any other board keeps its own state and clock, so both calls do nothing for it.
/// </summary>
public sealed class SimBoardKeeper : IBoardKeeper
{
    public static SimBoardKeeper Instance { get; } = new();

    public byte[]? Save(IDevice device) => device is SimulatedBoard sim ? ToBytes(sim) : null;

    public void AdvanceClock(IDevice device, TimeSpan dt)
    {
        if (device is SimulatedBoard sim) sim.AdvanceTime(dt);
    }

    /// <summary>The board file of <paramref name="board"/> as bytes.</summary>
    public static byte[] ToBytes(SimulatedBoard board)
    {
        using var memory = new MemoryStream();
        board.Save(memory);
        return memory.ToArray();
    }

    /// <summary>Reopens a board from bytes written by <see cref="ToBytes"/>.</summary>
    public static SimulatedBoard FromBytes(byte[] bytes)
    {
        using var memory = new MemoryStream(bytes, writable: false);
        return SimulatedBoard.Load(memory, "(a board kept in memory or in a journal)");
    }

    /// <summary>A copy of <paramref name="board"/> in its current state (same physics, same wear, same clock).</summary>
    public static SimulatedBoard Clone(SimulatedBoard board) => FromBytes(ToBytes(board));
}

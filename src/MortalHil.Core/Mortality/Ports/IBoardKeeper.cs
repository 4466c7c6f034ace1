using MortalHil.Core.Devices;

namespace MortalHil.Core.Mortality.Ports;

/// <summary>
/// What only the host knows about a board: how to keep its state across a crash of the host, and how
/// to let time pass on it. For a simulated board the state is its board file and time is its
/// simulated clock; a real board keeps its own state and its time passes by itself.
/// </summary>
public interface IBoardKeeper
{
    /// <summary>The board's state as bytes to reopen it from after a crash; null when the board keeps its own state.</summary>
    byte[]? Save(IDevice device);

    /// <summary>Lets <paramref name="dt"/> pass on a simulated board; does nothing on a real one.</summary>
    void AdvanceClock(IDevice device, TimeSpan dt);
}

using MortalHil.Core.Devices;

namespace MortalHil.Core.Mortality.Ports;

/// <summary>
/// Where new boards come from: a simulator making a board of one preset per serial, or a rack of real
/// boards. The lifecycle asks it for the teacher, the student and the baselines' boards by serial.
/// </summary>
public interface IBoardSupply
{
    /// <summary>A fresh board with serial <paramref name="serial"/> (the same serial is the same board when simulated).</summary>
    IDevice Make(string serial);

    /// <summary>Reopens a board from the state <see cref="IBoardKeeper.Save"/> returned (after a host crash).</summary>
    IDevice Restore(byte[] state);

    /// <summary>Keeps board state across host crashes and lets time pass on the boards this supply makes.</summary>
    IBoardKeeper Keeper { get; }
}

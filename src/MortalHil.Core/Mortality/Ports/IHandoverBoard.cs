using MortalHil.Core.Learning;
namespace MortalHil.Core.Mortality.Ports;

/// <summary>A board and the network on it, as a handover sees it (teacher or student).</summary>
public interface IHandoverBoard : IDisposable
{
    /// <summary>A short name for logs and reports, e.g. the board's serial.</summary>
    string Name { get; }

    /// <summary>The network on the board. Its calls throw <see cref="Devices.DeviceFailedException"/> once the board has died.</summary>
    IClassifier Model { get; }

    /// <summary>The board's own clock. Throws <see cref="Devices.DeviceFailedException"/> once the board has died.</summary>
    TimeSpan BoardTime { get; }

    /// <summary>
    /// The board's state as bytes from which it can be reopened exactly as it is now after the host
    /// crashes (a simulator's board file), or null when the board keeps its own state (real hardware).
    /// </summary>
    byte[]? SaveBoard();

    /// <summary>
    /// Lets <paramref name="dt"/> of board time pass: a simulated board advances its clock (and ages);
    /// a real board ignores this, its time passes by itself.
    /// </summary>
    void AdvanceClock(TimeSpan dt);
}

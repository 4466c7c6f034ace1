using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Ports;
using MortalHil.Stress.Faults;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// The <see cref="IBoardKeeper"/> of a fleet's boards. To the host they are physical boards: they keep their
/// own state across a host crash (so <see cref="Save"/> returns null and a resumed handover re-attaches to
/// the same board instead of reloading a copy), while their clocks are simulated and move when a handover
/// lets board time pass.
/// </summary>
public sealed class StressBoardKeeper : IBoardKeeper
{
    public static StressBoardKeeper Instance { get; } = new();

    /// <inheritdoc/>
    public byte[]? Save(IDevice device) => null;

    /// <inheritdoc/>
    public void AdvanceClock(IDevice device, TimeSpan dt)
    {
        var link = device switch
        {
            RetryingLink r => r.Link,
            FaultyLink f => f,
            _ => throw new ArgumentException($"board {device.Description.SerialNumber} is not one of the fleet's boards"),
        };
        link.AdvanceBoardClock(dt);
    }
}

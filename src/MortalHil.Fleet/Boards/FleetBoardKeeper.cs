using MortalHil.Core.Devices;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Fleet.Boards;

/// <summary>
/// The <see cref="IBoardKeeper"/> of boards reached through the fleet: they keep their own state on their own node (so
/// <see cref="Save"/> returns null and a coordinator that moved re-attaches to the same board), and board time passes on
/// the board's node.
/// </summary>
public sealed class FleetBoardKeeper(IGrainFactory grains, IReadOnlyDictionary<string, string> keysBySerial) : IBoardKeeper
{
    public byte[]? Save(IDevice device) => null;

    public void AdvanceClock(IDevice device, TimeSpan dt)
    {
        string serial = device.Description.SerialNumber;
        if (!keysBySerial.TryGetValue(serial, out var key)) throw new ArgumentException($"board {serial} is not reached through the fleet");
        try
        {
            grains.GetGrain<IBoardGrain>(key).AdvanceClock(dt).WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is not DeviceFailedException)
        {
            throw new IOException($"board {key}: its node did not let time pass ({e.Message})", e);
        }
    }
}

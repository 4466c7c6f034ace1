using MortalHil.Core.Devices;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Ports;

namespace MortalHil.Core.Mortality.Adapters;

/// <summary>A board carrying a <see cref="MappedNetwork"/>, as a handover teacher (or the base of a student).</summary>
public class MappedBoard : IHandoverBoard
{
    public MappedBoard(IDevice device, MappedNetwork network, IBoardKeeper keeper, bool ownsDevice = true)
    {
        if (!ReferenceEquals(network.Device, device)) throw new ArgumentException("the network lives on another board");
        Device = device;
        Network = network;
        Keeper = keeper;
        OwnsDevice = ownsDevice;
    }

    public IDevice Device { get; }
    public MappedNetwork Network { get; }
    public IBoardKeeper Keeper { get; }
    public bool OwnsDevice { get; }

    public string Name => Device.Description.SerialNumber;
    public IClassifier Model => Network;
    public TimeSpan BoardTime => Device.ReadHealth().Uptime;
    public byte[]? SaveBoard() => Keeper.Save(Device);
    public void AdvanceClock(TimeSpan dt) => Keeper.AdvanceClock(Device, dt);

    public void Dispose()
    {
        if (OwnsDevice) Device.Dispose();
        GC.SuppressFinalize(this);
    }
}

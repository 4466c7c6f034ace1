using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Mortality.Adapters;

/// <summary>A network's host side as bytes (the <see cref="MappedNetworkStore"/> file format), for journaling.</summary>
public static class NetworkBytes
{
    public static byte[] Save(MappedNetwork net) => MappedNetworkStore.ToBytes(net);

    /// <summary>Reopens a network saved by <see cref="Save"/> on <paramref name="device"/> (the board it was saved from).</summary>
    public static MappedNetwork Load(IDevice device, ReadOnlySpan<byte> bytes) => MappedNetworkStore.FromBytes(device, bytes, "(a network kept in a journal)");
}

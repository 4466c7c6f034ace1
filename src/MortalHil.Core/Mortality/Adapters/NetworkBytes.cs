using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Mortality.Adapters;

/// <summary>A network's host side as bytes (the <see cref="MappedNetworkStore"/> file format), for journaling.</summary>
public static class NetworkBytes
{
    public static byte[] Save(MappedNetwork net)
    {
        var dir = Directory.CreateTempSubdirectory("mortalhil-net-");
        try
        {
            var path = Path.Combine(dir.FullName, "network.net.json");
            MappedNetworkStore.Save(net, path);
            return File.ReadAllBytes(path);
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>Reopens a network saved by <see cref="Save"/> on <paramref name="device"/> (the board it was saved from).</summary>
    public static MappedNetwork Load(IDevice device, ReadOnlySpan<byte> bytes)
    {
        var dir = Directory.CreateTempSubdirectory("mortalhil-net-");
        try
        {
            var path = Path.Combine(dir.FullName, "network.net.json");
            File.WriteAllBytes(path, bytes.ToArray());
            return MappedNetworkStore.Load(device, path);
        }
        finally { dir.Delete(recursive: true); }
    }
}

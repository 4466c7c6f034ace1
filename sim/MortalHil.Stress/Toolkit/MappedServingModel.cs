using MortalHil.Core.Devices;
using MortalHil.Core.Learning;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Adapters;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Toolkit;

/// <summary>A <see cref="MappedNetwork"/> as the stress runner's serving model; its snapshot is the network file of <see cref="MappedNetworkStore"/> as bytes.</summary>
public sealed class MappedServingModel(MappedNetwork network) : IServingModel
{
    public MappedNetwork Network => network;
    public IDevice Board => network.Device;
    public IClassifier Classifier => network;
    public byte[] Snapshot() => NetworkBytes.Save(network);
}

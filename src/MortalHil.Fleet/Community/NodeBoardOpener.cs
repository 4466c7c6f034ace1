using MortalHil.Core.Devices;

namespace MortalHil.Fleet.Community;

/// <summary>How a node opens a board from its spec (the host's board opener, given to the silo when it starts).</summary>
public sealed class NodeBoardOpener(Func<string, IDevice> open)
{
    public IDevice Open(string spec) => open(spec);
}

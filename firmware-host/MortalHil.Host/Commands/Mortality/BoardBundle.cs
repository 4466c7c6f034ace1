using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Sim;

namespace MortalHil.Host.Commands.Mortality;

/// <summary>
/// A trained board as files: the simulated board file (<c>FILE</c>, opened with <c>simfile:FILE</c>)
/// and the host side of its network beside it (<c>FILE.net.json</c>, as <c>mortalhil train --save-board</c> writes it).
/// </summary>
public static class BoardBundle
{
    /// <summary>Where the network snapshot of a board file lives.</summary>
    public static string NetworkPath(string boardFile) => MappedNetworkStore.CompanionPath(boardFile);

    /// <summary>Saves <paramref name="board"/> and its network, each atomically.</summary>
    public static void Save(SimulatedBoard board, MappedNetwork net, string boardFile)
    {
        board.Save(boardFile);
        MappedNetworkStore.Save(net, NetworkPath(boardFile));
    }

    /// <summary>
    /// Opens a trained board from a spec and its network snapshot: <paramref name="networkFile"/>, or for
    /// <c>simfile:FILE</c> the default <c>FILE.net.json</c>.
    /// </summary>
    public static (IDevice Device, MappedNetwork Network) Open(string spec, string? networkFile)
    {
        networkFile ??= spec.StartsWith("simfile:", StringComparison.Ordinal) ? NetworkPath(spec["simfile:".Length..])
            : throw new CliUsageException($"board '{spec}' carries no network file; pass --teacher-network FILE");
        if (!File.Exists(networkFile))
            throw new CliUsageException($"network file '{networkFile}' not found (a trained board is saved as FILE and FILE.net.json by 'mortalhil train --save-board FILE')");
        var device = BoardOpener.Open(spec);
        try { return (device, MappedNetworkStore.Load(device, networkFile)); }
        catch { device.Dispose(); throw; }
    }
}

using MortalHil.Core.Devices;

namespace MortalHil.Fleet.Boards;

/// <summary>
/// The boards physically attached to this silo's machine, opened once at start from the node file's specs.
/// Only this silo's board grains touch them; every call is serialised per board (one grain per board).
/// </summary>
public sealed class LocalBoards : IDisposable
{
    private readonly Dictionary<string, (string Spec, IDevice Device)> _boards = new(StringComparer.Ordinal);

    /// <param name="node">This silo's node name.</param>
    public LocalBoards(string node) => Node = node;

    public string Node { get; }

    /// <summary>Board ids (their serial numbers) in the order they were attached.</summary>
    public IReadOnlyList<string> Ids => [.. _boards.Keys];

    /// <summary>Attaches an opened board under its serial number; a serial seen twice is refused.</summary>
    public string Attach(string spec, IDevice device)
    {
        string id = device.Description.SerialNumber;
        if (id.Contains('/')) throw new ArgumentException($"board {spec}: serial number '{id}' contains '/', which fleet keys reserve");
        if (!_boards.TryAdd(id, (spec, device))) throw new ArgumentException($"board {spec}: serial number '{id}' is already attached to node {Node}");
        return id;
    }

    public bool TryGet(string id, out IDevice device, out string spec)
    {
        if (_boards.TryGetValue(id, out var b))
        {
            device = b.Device;
            spec = b.Spec;
            return true;
        }
        device = null!;
        spec = "";
        return false;
    }

    private readonly Dictionary<string, BoardEndpoint> _endpoints = new(StringComparer.Ordinal);

    /// <summary>The protocol end of board <paramref name="id"/> (made on first use, kept for the node's life), or null if not attached.</summary>
    internal BoardEndpoint? Endpoint(string id)
    {
        lock (_endpoints)
        {
            if (_endpoints.TryGetValue(id, out var e)) return e;
            if (!_boards.TryGetValue(id, out var b)) return null;
            return _endpoints[id] = new BoardEndpoint(b.Device);
        }
    }

    public void Dispose()
    {
        foreach (var (_, d) in _boards.Values) d.Dispose();
        _boards.Clear();
    }
}

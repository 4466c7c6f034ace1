using System.Text.Json;
using MortalHil.Fleet.Cluster;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Commands.Fleet;

/// <summary>
/// A node file: the node's name and the boards attached to it, e.g.
/// <c>{ "node": "pi-1", "boards": ["sim:reram:1", "serial:/dev/ttyACM0"], "silo_port": 11111, "gateway_port": 30000, "journal_folder": "/var/lib/mortalhil/journals" }</c>.
/// Ports are optional (0 or absent: any free port); <c>journal_folder</c> is where this node keeps the handover journals placed
/// on it, on its own disk (absent: the user's local data folder; a relative path is relative to the node file).
/// </summary>
public static class NodeFile
{
    public static NodeSpec Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"node file {path} does not exist");
        using var doc = JsonDocument.Parse(MortalHil.Core.Files.BoundedRead.Text(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new CliUsageException($"{path}: a node file is a JSON object");
        string? name = null;
        var boards = new List<string>();
        int silo = 0, gateway = 0;
        string? journals = null;
        foreach (var p in root.EnumerateObject())
        {
            switch (p.Name)
            {
                case "node":
                    name = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : throw new CliUsageException($"{path}: 'node' must be a string");
                    break;
                case "boards":
                    if (p.Value.ValueKind != JsonValueKind.Array) throw new CliUsageException($"{path}: 'boards' must be an array of board specs");
                    foreach (var b in p.Value.EnumerateArray())
                        boards.Add(b.ValueKind == JsonValueKind.String ? b.GetString()! : throw new CliUsageException($"{path}: every board must be a spec string such as sim:reram:1"));
                    break;
                case "silo_port": silo = Port(p.Value, path, p.Name); break;
                case "gateway_port": gateway = Port(p.Value, path, p.Name); break;
                case "journal_folder":
                    journals = p.Value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(p.Value.GetString()) ? p.Value.GetString()
                        : throw new CliUsageException($"{path}: 'journal_folder' must be a folder path");
                    journals = Path.GetFullPath(journals!, Path.GetDirectoryName(Path.GetFullPath(path))!);
                    break;
                default: throw new CliUsageException($"{path}: unknown field '{p.Name}' (node, boards, silo_port, gateway_port, journal_folder)");
            }
        }
        if (string.IsNullOrWhiteSpace(name) || name.Contains('/')) throw new CliUsageException($"{path}: 'node' must name the node (no '/')");
        if (boards.Count != boards.Distinct(StringComparer.Ordinal).Count()) throw new CliUsageException($"{path}: a board is listed twice");
        return new NodeSpec(name, boards, silo, gateway, journals);
    }

    private static int Port(JsonElement v, string path, string field)
        => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int p) && p is >= 0 and <= 65535 ? p
            : throw new CliUsageException($"{path}: '{field}' must be a port number in [0, 65535]");
}

using System.Text.Json;
using System.Text.Json.Nodes;

namespace MortalHil.Sim.Presets;

/// <summary>
/// Presets built from a base and the fields that change, as aihwkit builds its presets from replaceable parts:
/// <c>{"base": "reram", "name": "reram-small-tile", "geometry": {"tiles": 1}}</c> is the reram preset with one tile.
/// </summary>
internal static class PresetComposition
{
    /// <summary>The JSON of <paramref name="json"/> with its base (if any) merged underneath.</summary>
    public static JsonNode Compose(string json, Func<string, DevicePreset> resolveBase)
    {
        // Duplicate keys are refused here too: JsonObject would otherwise fail later with a bare ArgumentException.
        var node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false })
                   ?? throw new InvalidDataException("preset is malformed: the file holds null");
        if (node is not JsonObject obj || !obj.ContainsKey("base")) return node;
        if (obj["base"] is not JsonValue v || !v.TryGetValue<string>(out var baseName) || string.IsNullOrWhiteSpace(baseName))
            throw new InvalidDataException("preset field 'base' must name a preset");
        obj.Remove("base");
        var basis = JsonSerializer.SerializeToNode(resolveBase(baseName), DevicePresetJson.Options)!.AsObject();
        Merge(basis, obj);
        return basis;
    }

    /// <summary>Overlays <paramref name="changes"/> on <paramref name="target"/>: objects field by field, other values whole.</summary>
    private static void Merge(JsonObject target, JsonObject changes)
    {
        foreach (var (key, value) in changes.ToArray())
        {
            changes.Remove(key);
            if (value is JsonObject sub && target[key] is JsonObject existing) Merge(existing, sub);
            else target[key] = value;
        }
    }
}

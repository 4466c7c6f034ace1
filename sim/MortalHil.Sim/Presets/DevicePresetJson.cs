using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MortalHil.Sim.Presets;

/// <summary>Reads and writes <see cref="DevicePreset"/> files (snake_case JSON, every field required, unknown fields refused).</summary>
public static class DevicePresetJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        NumberHandling = JsonNumberHandling.Strict,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A key given twice is a mistake (which one was meant?), refused rather than the last one silently winning.
        AllowDuplicateProperties = false,
    };

    /// <summary>Serialises a preset (validated first).</summary>
    public static string Serialize(DevicePreset preset)
    {
        DevicePresetValidator.Validate(preset);
        return JsonSerializer.Serialize(preset, Options);
    }

    /// <summary>
    /// Parses and validates a preset. Throws <see cref="InvalidDataException"/> naming the offending field.
    /// A preset may name a <c>"base"</c> (a built-in preset, or a file found by <paramref name="resolveBase"/>) and
    /// give only the fields it changes: objects merge field by field, anything else replaces the base's value.
    /// </summary>
    public static DevicePreset Deserialize(string json, Func<string, DevicePreset>? resolveBase = null)
    {
        DevicePreset? preset;
        try
        {
            preset = PresetComposition.Compose(json, resolveBase ?? ResolveBuiltIn).Deserialize<DevicePreset>(Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"preset is malformed: {Describe(e)}", e);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // JsonNode reports text it cannot turn into a string (a lone UTF-16 surrogate, found by the property suite)
            // this way, where the serializer would have said JsonException.
            throw new InvalidDataException($"preset is malformed: {e.Message}", e);
        }
        if (preset is null) throw new InvalidDataException("preset is malformed: the file holds null");
        DevicePresetValidator.Validate(preset);
        return preset;
    }

    /// <summary>Loads a preset file. Errors name the file and the field.</summary>
    public static DevicePreset Load(string path)
    {
        string text = Core.Files.BoundedRead.Text(path);
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            return Deserialize(text, name => ResolveNear(name, folder, depth: 1));
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Writes a preset file atomically (temporary file, then rename).</summary>
    public static void Save(DevicePreset preset, string path)
    {
        string json = Serialize(preset);
        Core.Files.AtomicFile.WriteAllText(path, json);
    }

    private static DevicePreset ResolveBuiltIn(string name) =>
        BuiltInPresets.Find(name) ?? throw new InvalidDataException($"field 'base': '{name}' is not a built-in preset ({string.Join(", ", BuiltInPresets.Names)})");

    /// <summary>A base named by a preset file: a built-in name, or a file next to it (bases of bases up to a depth of 8).</summary>
    private static DevicePreset ResolveNear(string name, string folder, int depth)
    {
        if (BuiltInPresets.Find(name) is { } builtIn) return builtIn;
        if (depth > 8) throw new InvalidDataException($"field 'base': more than 8 levels of bases (a cycle?) at '{name}'");
        string path = Path.IsPathRooted(name) ? name : Path.Combine(folder, name);
        if (!File.Exists(path))
            throw new InvalidDataException($"field 'base': '{name}' is neither a built-in preset ({string.Join(", ", BuiltInPresets.Names)}) nor a file next to this one");
        string next = Path.GetDirectoryName(Path.GetFullPath(path))!;
        return Deserialize(Core.Files.BoundedRead.Text(path), n => ResolveNear(n, next, depth + 1));
    }

    // System.Text.Json puts the JSON path ($.pulse.dw_min) in e.Path and a sentence in e.Message.
    private static string Describe(JsonException e)
    {
        string field = e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "";
        string msg = e.Message.Split(" Path:")[0];
        return field.Length > 0 ? $"field '{field}': {msg}" : msg;
    }
}

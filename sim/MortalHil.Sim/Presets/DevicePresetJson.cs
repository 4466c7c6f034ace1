using System.Text.Json;
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
    };

    /// <summary>Serialises a preset (validated first).</summary>
    public static string Serialize(DevicePreset preset)
    {
        DevicePresetValidator.Validate(preset);
        return JsonSerializer.Serialize(preset, Options);
    }

    /// <summary>Parses and validates a preset. Throws <see cref="InvalidDataException"/> naming the offending field.</summary>
    public static DevicePreset Deserialize(string json)
    {
        DevicePreset? preset;
        try
        {
            preset = JsonSerializer.Deserialize<DevicePreset>(json, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"preset is malformed: {Describe(e)}", e);
        }
        if (preset is null) throw new InvalidDataException("preset is malformed: the file holds null");
        DevicePresetValidator.Validate(preset);
        return preset;
    }

    /// <summary>Loads a preset file. Errors name the file and the field.</summary>
    public static DevicePreset Load(string path)
    {
        string text = File.ReadAllText(path);
        try
        {
            return Deserialize(text);
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

    // System.Text.Json puts the JSON path ($.pulse.dw_min) in e.Path and a sentence in e.Message.
    private static string Describe(JsonException e)
    {
        string field = e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "";
        string msg = e.Message.Split(" Path:")[0];
        return field.Length > 0 ? $"field '{field}': {msg}" : msg;
    }
}

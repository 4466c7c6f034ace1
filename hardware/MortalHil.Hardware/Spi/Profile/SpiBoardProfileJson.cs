using System.Text.Json;
using System.Text.Json.Serialization;

namespace MortalHil.Hardware.Spi.Profile;

/// <summary>Reads and writes board profiles as JSON (camelCase; unknown fields are errors, so a typo cannot silently drop a limit).</summary>
public static class SpiBoardProfileJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses and validates a profile; every problem is an <see cref="InvalidDataException"/> naming the field.</summary>
    public static SpiBoardProfile Parse(string json, string source = "profile")
    {
        SpiBoardProfile? profile;
        try { profile = JsonSerializer.Deserialize<SpiBoardProfile>(json, Options); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: {e.Message}"); }
        if (profile is null) throw new InvalidDataException($"{source}: empty profile");
        SpiBoardProfileValidator.Validate(profile, source);
        return profile;
    }

    /// <summary>Loads and validates a profile file.</summary>
    public static SpiBoardProfile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"board profile {path} not found", path);
        return Parse(MortalHil.Core.Files.BoundedRead.Text(path), path);
    }

    public static string Serialize(SpiBoardProfile profile) => JsonSerializer.Serialize(profile, Options);
}

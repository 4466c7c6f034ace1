using System.IO.Hashing;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MortalHil.Core.Files;

/// <summary>
/// The result files the commands write (train.json, demo.json, stress.json, the bench outputs, ...) say what they
/// are and carry a checksum, so a reader can tell a damaged or hand-edited file from a good one: a top-level
/// object whose first property is <c>"format": {"kind": K, "version": V}</c> and whose last is
/// <c>"checksum": "xxh64:HEX"</c>, the XxHash64 of the UTF-8 bytes of the same object, without its checksum,
/// written in <see cref="Canonical"/> form (indented, relaxed escaping). The checksum is over that canonical form,
/// not over the bytes on disk, so it survives re-indentation but not a changed value.
/// </summary>
public static class StampedJson
{
    public const string FormatProperty = "format";
    public const string ChecksumProperty = "checksum";

    /// <summary>How a stamped document is written, and re-written to check its checksum.</summary>
    public static readonly JsonSerializerOptions Canonical = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The stamped text of <paramref name="json"/> (a JSON object without format or checksum properties).</summary>
    public static string Stamp(string json, string kind, int version)
    {
        if (JsonNode.Parse(json) is not JsonObject body) throw new ArgumentException($"a {kind} result must be a JSON object", nameof(json));
        return Stamp(body, kind, version);
    }

    /// <summary>The stamped text of <paramref name="body"/>; <paramref name="body"/> itself is not changed.</summary>
    public static string Stamp(JsonObject body, string kind, int version)
    {
        if (string.IsNullOrWhiteSpace(kind)) throw new ArgumentException("a result file needs a kind", nameof(kind));
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), "versions start at 1");
        if (body.ContainsKey(FormatProperty) || body.ContainsKey(ChecksumProperty))
            throw new ArgumentException($"a {kind} result already has a '{FormatProperty}' or '{ChecksumProperty}' property");
        var stamped = new JsonObject { [FormatProperty] = new JsonObject { ["kind"] = kind, ["version"] = version } };
        foreach (var (name, value) in body) stamped[name] = value?.DeepClone();
        stamped[ChecksumProperty] = Checksum(stamped);
        return stamped.ToJsonString(Canonical);
    }

    /// <summary>Writes the stamped <paramref name="json"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, string json, string kind, int version) => AtomicFile.WriteAllText(path, Stamp(json, kind, version));

    /// <summary>Writes the stamped <paramref name="body"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, JsonObject body, string kind, int version) => AtomicFile.WriteAllText(path, Stamp(body, kind, version));

    /// <summary>True when <paramref name="text"/> looks stamped (a JSON object with both properties); says nothing of its checksum.</summary>
    public static bool IsStamped(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject o && o.ContainsKey(FormatProperty) && o.ContainsKey(ChecksumProperty);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The kind and version of a stamped document, after checking its checksum; a document that is not stamped, or
    /// whose checksum does not match its content, is refused with <see cref="InvalidDataException"/> saying which.
    /// </summary>
    public static (string Kind, int Version) Verify(string text)
    {
        JsonObject o;
        try
        {
            o = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not JSON ({e.Message})");
        }
        if (o[FormatProperty] is not JsonObject format || format["kind"]?.GetValueKind() != JsonValueKind.String || format["version"]?.GetValueKind() != JsonValueKind.Number)
            throw new InvalidDataException($"no '{FormatProperty}' with a kind and a version: not a file MortalHil stamped");
        if (o[ChecksumProperty]?.GetValueKind() != JsonValueKind.String)
            throw new InvalidDataException($"no '{ChecksumProperty}'");
        string kind = format["kind"]!.GetValue<string>();
        if (!format["version"]!.AsValue().TryGetValue<int>(out int version) || version < 1)
            throw new InvalidDataException($"'{FormatProperty}' version is not a whole number of 1 or more");
        string stated = o[ChecksumProperty]!.GetValue<string>();
        o.Remove(ChecksumProperty);
        string actual = Checksum(o);
        if (!string.Equals(stated, actual, StringComparison.Ordinal))
            throw new InvalidDataException($"{kind} v{version}: checksum {stated} does not match the content ({actual}): the file was changed or damaged");
        return (kind, version);
    }

    private static string Checksum(JsonObject withoutChecksum) =>
        $"xxh64:{XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(withoutChecksum.ToJsonString(Canonical))):x16}";
}

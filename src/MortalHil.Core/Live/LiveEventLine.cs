using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace MortalHil.Core.Live;

/// <summary>
/// The text format of a live event log: a header line <c>#mortalhil-live 1</c>, then one event per line as
/// <c>JSON TAB CRC-32</c> (hex, of the JSON's UTF-8 bytes). A reader takes only complete lines whose checksum
/// matches, so a line being written, or torn by a crash, is never mistaken for an event.
/// </summary>
public static class LiveEventLine
{
    public const int FormatVersion = 1;
    public const string Header = "#mortalhil-live 1";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Encode(LiveEvent e)
    {
        var json = JsonSerializer.Serialize(e, Json);
        return $"{json}\t{Checksum(json)}";
    }

    /// <summary>The event on a line, or null when the line is not a well-formed, intact event.</summary>
    public static LiveEvent? Decode(string line)
    {
        int tab = line.LastIndexOf('\t');
        if (tab <= 0) return null;
        var json = line[..tab];
        if (!string.Equals(line[(tab + 1)..], Checksum(json), StringComparison.Ordinal)) return null;
        try
        {
            return JsonSerializer.Deserialize<LiveEvent>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string Checksum(string json)
    {
        var crc = Crc32.HashToUInt32(Encoding.UTF8.GetBytes(json));
        return crc.ToString("x8", CultureInfo.InvariantCulture);
    }
}

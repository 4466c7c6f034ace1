using System.Text.Json;
using System.Text.Json.Serialization;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Fleet.Stress;

/// <summary>
/// What crosses the network for a lineage: the scenario, the job and the result as JSON (UTF-8). Doubles are
/// written shortest-round-trip and read back bit for bit, so a lineage run on another silo gives the same
/// stress.json as one run in-process.
/// </summary>
public static class LineageWire
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        IncludeFields = true, // value tuples
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PreferredObjectCreationHandling = JsonObjectCreationHandling.Populate, // get-only lists and dictionaries
        Converters = { new JsonStringEnumConverter() },
    };

    public static byte[] Scenario(Scenario s) => JsonSerializer.SerializeToUtf8Bytes(s, Options);
    /// <summary>What names a scenario on the wire once a node holds it: the 64-bit XXH64 of its JSON.</summary>
    public static ulong Hash(byte[] scenario) => System.IO.Hashing.XxHash64.HashToUInt64(scenario);
    public static Scenario Scenario(byte[] b) => JsonSerializer.Deserialize<Scenario>(b, Options) ?? throw new InvalidDataException("empty scenario");
    public static byte[] Job(LineageJob j) => JsonSerializer.SerializeToUtf8Bytes(new JobWire(j.SeedIndex, j.Lineage,
        j.Deliveries?.Select(kv => new DeliveryWire(kv.Key, kv.Value.Request, kv.Value.Delivery)).ToList()), Options);
    public static LineageJob Job(byte[] b)
    {
        var w = JsonSerializer.Deserialize<JobWire>(b, Options) ?? throw new InvalidDataException("empty job");
        return new LineageJob(w.SeedIndex, w.Lineage, w.Deliveries?.ToDictionary(d => d.Index, d => (d.Request, d.Delivery)));
    }
    public static byte[] Result(LineageResult r) => JsonSerializer.SerializeToUtf8Bytes(r, Options);
    public static LineageResult Result(byte[] b) => JsonSerializer.Deserialize<LineageResult>(b, Options) ?? throw new InvalidDataException("empty lineage result");

    private sealed record JobWire(int SeedIndex, int Lineage, List<DeliveryWire>? Deliveries);
    private sealed record DeliveryWire(int Index, double Request, double Delivery);
}

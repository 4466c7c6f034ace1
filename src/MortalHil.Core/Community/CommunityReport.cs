using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MortalHil.Core.Files;

namespace MortalHil.Core.Community;

/// <summary>
/// Writes a community run as <c>community.json</c> and <c>community.csv</c>, atomically. The JSON is
/// <c>{"version", "checksum", "body"}</c>, the checksum being XxHash64 of the body's exact text; the CSV's first line
/// is a comment with the version and the XxHash64 of every line after it. <see cref="Verify"/> checks either.
/// </summary>
public static class CommunityReport
{
    public const int Version = 3; // 2: network_bits (bits measured on a fleet's network); 3: bits_to_accuracy, learning_rate_decay, processor_seconds, board
    /// <summary>The oldest version <see cref="Verify"/> still reads (older runs' files stay checkable).</summary>
    public const int OldestVersion = 2;
    private const string CsvHeader = "method,shards,boards,board,round,bits_sent,information_bits,accuracy,home_accuracy,away_accuracy,pulses,network_bits";

    /// <summary>The JSON text of a run: its settings, every point, and a per-(method, shards, K, round) summary.</summary>
    /// <param name="points">Every board's score after every round.</param>
    /// <param name="s">The run's settings.</param>
    /// <param name="arguments">The command line.</param>
    /// <param name="wallSeconds">Wall time of the run.</param>
    /// <param name="reach">Mean accuracies (fractions) the bits-to-accuracy table is read at (<see cref="BitsToAccuracy"/>).</param>
    /// <param name="processorSeconds">Processor time of the process that ran the hub (on a fleet, the nodes' time is not in it).</param>
    /// <param name="board">The mortal boards' kind, e.g. <c>sim:reram-mortal</c>.</param>
    public static string Json(IReadOnlyList<CommunityPoint> points, CommunitySettings s, string arguments, double wallSeconds,
        IReadOnlyList<double>? reach = null, double? processorSeconds = null, string? board = null)
    {
        var body = new JsonObject
        {
            ["arguments"] = arguments,
            ["wall_seconds"] = Math.Round(wallSeconds, 1),
            ["processor_seconds"] = processorSeconds is double ps ? Math.Round(ps, 1) : null,
            ["board"] = board,
            ["settings"] = new JsonObject
            {
                ["shape"] = s.Shape.ToString(), ["shard_examples"] = s.ShardExamples, ["transfer_examples"] = s.TransferExamples, ["rounds"] = s.Rounds,
                ["local_epochs"] = s.LocalEpochs, ["distil_epochs"] = s.DistilEpochs, ["batch"] = s.Batch, ["temperature"] = s.Temperature,
                ["quantisation_bits"] = s.QuantisationBits, ["skew"] = s.Skew, ["algo"] = s.Algo, ["learning_rate_decay"] = s.LearningRateDecay, ["digital_learning_rate"] = s.DigitalLearningRate,
                ["test_limit"] = s.TestLimit, ["seed"] = s.Seed,
            },
            ["bits"] = "bits_sent: every message on every link of the community so far (K uploads to the hub and K downloads per round); " +
                       "weights as float32 (parameters x 32 per message); soft targets as examples x classes x quantisation bits per message; " +
                       "information_bits: for soft targets the plug-in entropy estimate handover uses, for weights equal to bits_sent; " +
                       "network_bits (on a fleet only): bits of the Orleans messages every process of the fleet sent during the exchanges, measured",
            ["summary"] = new JsonArray(Summary(points).Select(r => (JsonNode)new JsonObject
            {
                ["method"] = r.Method.Name(), ["shards"] = Name(r.Shards), ["boards"] = r.Boards, ["round"] = r.Round, ["bits_sent"] = r.BitsSent,
                ["information_bits"] = r.InformationBits, ["network_bits"] = r.NetworkBits, ["mean_accuracy"] = r.Mean, ["min_accuracy"] = r.Min, ["max_accuracy"] = r.Max,
            }).ToArray()),
            ["bits_to_accuracy"] = new JsonArray(BitsToAccuracy.Read(points, reach ?? []).Select(r => (JsonNode)new JsonObject
            {
                ["method"] = r.Method.Name(), ["shards"] = Name(r.Shards), ["boards"] = r.Boards, ["target"] = r.Target, ["reached"] = r.Round is not null,
                ["round"] = r.Round, ["bits_sent"] = r.BitsSent, ["network_bits"] = r.NetworkBits, ["best_mean_accuracy"] = r.BestMean,
            }).ToArray()),
            ["points"] = new JsonArray(points.Select(p => (JsonNode)new JsonObject
            {
                ["method"] = p.Method.Name(), ["shards"] = Name(p.Shards), ["boards"] = p.Boards, ["board"] = p.Board, ["round"] = p.Round,
                ["bits_sent"] = p.BitsSent, ["information_bits"] = p.InformationBits, ["accuracy"] = p.Accuracy,
                ["home_accuracy"] = Finite(p.HomeAccuracy), ["away_accuracy"] = Finite(p.AwayAccuracy), ["pulses"] = p.Pulses,
                ["network_bits"] = p.NetworkBits,
            }).ToArray()),
        };
        string bodyText = body.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        return $"{{\n  \"version\": {Version},\n  \"checksum\": \"{Checksum(bodyText)}\",\n  \"body\": {bodyText}\n}}\n";
    }

    /// <summary>The CSV text: a comment line with version and checksum, the header, one row per point.</summary>
    public static string Csv(IReadOnlyList<CommunityPoint> points)
    {
        var rows = new StringBuilder(CsvHeader).Append('\n');
        foreach (var p in points)
            rows.Append(string.Join(',', p.Method.Name(), Name(p.Shards), I(p.Boards), I(p.Board), I(p.Round), D(p.BitsSent), D(p.InformationBits),
                D(p.Accuracy), D(p.HomeAccuracy), D(p.AwayAccuracy), p.Pulses.ToString(CultureInfo.InvariantCulture),
                p.NetworkBits is double nb ? D(nb) : "")).Append('\n');
        return StampedCsv.Stamp(rows.ToString(), "community", Version);
    }

    /// <summary>
    /// The points of a <c>community.csv</c> this code wrote (checked by <see cref="Verify"/> first), so a finished run can be
    /// plotted and read at other targets again without running it.
    /// </summary>
    public static IReadOnlyList<CommunityPoint> ReadCsv(string path, string text)
    {
        Verify(path, text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length < 2 || lines[1] != CsvHeader) throw new CorruptFileException(path, "community CSV header is not the one this version writes");
        var methods = Enum.GetValues<SharingMethod>().ToDictionary(m => m.Name());
        var kinds = Enum.GetValues<ShardKind>().ToDictionary(Name);
        var points = new List<CommunityPoint>();
        foreach (var line in lines.Skip(2))
        {
            var f = line.Split(',');
            if (f.Length != 12 || !methods.TryGetValue(f[0], out var method) || !kinds.TryGetValue(f[1], out var kind))
                throw new CorruptFileException(path, $"community CSV row '{line}' does not parse");
            points.Add(new CommunityPoint(method, kind, int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture),
                int.Parse(f[4], CultureInfo.InvariantCulture), Real(f[5]), Real(f[6]), (float)Real(f[7]), (float)Real(f[8]), (float)Real(f[9]),
                long.Parse(f[10], CultureInfo.InvariantCulture), f[11].Length == 0 ? null : Real(f[11])));
        }
        return points;

        static double Real(string v) => v.Length == 0 ? double.NaN : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Writes both files into <paramref name="directory"/>, each atomically.</summary>
    public static void Write(string directory, IReadOnlyList<CommunityPoint> points, CommunitySettings s, string arguments, double wallSeconds,
        IReadOnlyList<double>? reach = null, double? processorSeconds = null, string? board = null)
    {
        AtomicFile.WriteAllText(Path.Combine(directory, "community.json"), Json(points, s, arguments, wallSeconds, reach, processorSeconds, board));
        AtomicFile.WriteAllText(Path.Combine(directory, "community.csv"), Csv(points));
    }

    /// <summary>
    /// Checks a file written here: a version this code reads (<see cref="OldestVersion"/>..<see cref="Version"/>) and a checksum
    /// that matches; returns the version. Throws <see cref="CorruptFileException"/> if not.
    /// </summary>
    public static int Verify(string path, string text)
    {
        if (text.StartsWith('#'))
        {
            try
            {
                if (StampedCsv.Verify(text) is ("community", var csvVersion and >= OldestVersion and <= Version)) return csvVersion;
            }
            catch (InvalidDataException)
            {
            }
            throw new CorruptFileException(path, "community CSV version or checksum does not match its rows");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new CorruptFileException(path, "is neither a community CSV nor a community JSON file");
        }
        using var _ = doc;
        var root = doc.RootElement;
        if (!root.TryGetProperty("version", out var v) || !v.TryGetInt32(out int version) || version is < OldestVersion or > Version)
            throw new CorruptFileException(path, $"community JSON version is not one of {OldestVersion}..{Version}");
        if (!root.TryGetProperty("checksum", out var c) || !root.TryGetProperty("body", out var body) || c.GetString() != Checksum(body.GetRawText()))
            throw new CorruptFileException(path, "community JSON checksum does not match its body");
        return version;
    }

    /// <summary>Mean, min and max accuracy over the boards of each (method, shards, K, round).</summary>
    public static IReadOnlyList<SummaryRow> Summary(IReadOnlyList<CommunityPoint> points) => points
        .GroupBy(p => (p.Method, p.Shards, p.Boards, p.Round))
        .Select(g => new SummaryRow(g.Key.Method, g.Key.Shards, g.Key.Boards, g.Key.Round, g.Max(p => p.BitsSent), g.Max(p => p.InformationBits), g.Max(p => p.NetworkBits),
            g.Average(p => (double)p.Accuracy), g.Min(p => p.Accuracy), g.Max(p => p.Accuracy)))
        .ToList();

    public sealed record SummaryRow(SharingMethod Method, ShardKind Shards, int Boards, int Round, double BitsSent, double InformationBits, double? NetworkBits,
        double Mean, float Min, float Max);

    public static string Name(ShardKind k) => k.ToString().ToLowerInvariant();

    private static string Checksum(string text) => $"xxh64:{XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text)):x16}";
    private static double? Finite(float v) => float.IsFinite(v) ? v : null;
    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string D(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
}

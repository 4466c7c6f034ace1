using System.Text.Json;
using System.Text.Json.Nodes;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// A stress run's output folder for the page: the totals of stress.json (availability, knowledge per generation,
/// handovers, faults, timing) and every board and handover of lineages.json, flattened into rows.
/// </summary>
public static class StressOutputReader
{
    /// <summary>Largest stress.json or lineages.json read (a 1,000-board, 5-generation run writes a few MB).</summary>
    public const long MaxFileBytes = 256L << 20;

    public static bool IsStressOutput(string directory) => File.Exists(Path.Combine(directory, "stress.json"));

    public static JsonObject Read(string directory)
    {
        var stress = Load(Path.Combine(directory, "stress.json")) ?? throw new PathRefusedException($"{directory} has no stress.json");
        var total = stress["metrics"]?["total"];
        var o = new JsonObject
        {
            ["path"] = directory,
            ["scenario"] = stress["scenario"]?.DeepClone(),
            ["availability"] = total?["service_availability"]?.DeepClone(),
            ["serving_share"] = total?["serving_share"]?.DeepClone(),
            ["board_generations"] = total?["board_generations"]?.DeepClone(),
            ["handovers"] = total?["handovers"]?.DeepClone(),
            ["faults"] = total?["faults"]?.DeepClone(),
            ["deaths_by_cause"] = total?["deaths_by_cause"]?.DeepClone(),
            ["journaled_outputs_lost"] = total?["journaled_outputs_lost"]?.DeepClone(),
            ["per_handover"] = total?["per_handover"]?.DeepClone(),
            ["generations"] = new JsonArray((total?["knowledge_retained_per_generation"] as JsonArray ?? []).Select(g => (JsonNode?)new JsonObject
            {
                ["generation"] = g?["generation"]?.DeepClone(), ["boards"] = g?["boards"]?.DeepClone(), ["distilled"] = g?["distilled"]?.DeepClone(),
                ["cold_started"] = g?["cold_started"]?.DeepClone(), ["accuracy"] = g?["accuracy"]?["mean"]?.DeepClone(),
                ["accuracy_min"] = g?["accuracy"]?["min"]?.DeepClone(), ["accuracy_max"] = g?["accuracy"]?["max"]?.DeepClone(),
                ["retained_vs_first"] = g?["retained_vs_first"]?["mean"]?.DeepClone(),
            }).ToArray()),
            ["timing"] = stress["timing"]?.DeepClone(),
        };
        var boards = new JsonArray();
        var handovers = new JsonArray();
        if (Load(Path.Combine(directory, "lineages.json")) is { } lineages)
            foreach (var seed in lineages["seeds"] as JsonArray ?? [])
                foreach (var lineage in seed?["lineages"] as JsonArray ?? [])
                {
                    var l = lineage?["lineage"]?.DeepClone();
                    foreach (var b in lineage?["boards"] as JsonArray ?? [])
                        boards.Add(new JsonObject
                        {
                            ["seed"] = seed?["seed"]?.DeepClone(), ["lineage"] = l?.DeepClone(), ["generation"] = b?["generation"]?.DeepClone(),
                            ["serial"] = b?["serial"]?.DeepClone(), ["preset"] = b?["preset"]?.DeepClone(), ["origin"] = b?["origin"]?.DeepClone(),
                            ["serving_from_years"] = b?["serving_from_years"]?.DeepClone(), ["accuracy_at_start"] = b?["accuracy_at_start"]?.DeepClone(),
                            ["died_years"] = b?["died_years"]?.DeepClone(), ["death_cause"] = b?["death_cause"]?.DeepClone(),
                        });
                    foreach (var h in lineage?["handovers"] as JsonArray ?? [])
                        handovers.Add(new JsonObject
                        {
                            ["seed"] = seed?["seed"]?.DeepClone(), ["lineage"] = l?.DeepClone(), ["from_generation"] = h?["from_generation"]?.DeepClone(),
                            ["outcome"] = h?["outcome"]?.DeepClone(), ["started_years"] = h?["started_years"]?.DeepClone(), ["ended_years"] = h?["ended_years"]?.DeepClone(),
                            ["teacher_accuracy"] = h?["teacher_accuracy"]?.DeepClone(), ["student_accuracy"] = h?["student_accuracy"]?.DeepClone(),
                            ["teacher_queries"] = h?["teacher_queries"]?.DeepClone(), ["resumes"] = h?["resumes"]?.DeepClone(), ["host_crashes"] = h?["host_crashes"]?.DeepClone(),
                            ["reason"] = h?["reason"]?.DeepClone(),
                        });
                }
        o["boards"] = boards;
        o["handover_rows"] = handovers;
        return o;
    }

    private static JsonNode? Load(string file)
    {
        if (!File.Exists(file)) return null;
        if (new FileInfo(file).Length > MaxFileBytes) throw new PathRefusedException($"{Path.GetFileName(file)} is larger than {MaxFileBytes >> 20} MB");
        try
        {
            using var s = File.OpenRead(file);
            return JsonNode.Parse(s);
        }
        catch (JsonException e)
        {
            throw new PathRefusedException($"{Path.GetFileName(file)} is not valid JSON: {e.Message}");
        }
    }
}

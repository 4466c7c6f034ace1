using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using MortalHil.Host.Runs;

namespace MortalHil.Host.Dashboard;

/// <summary>Reads the run store without ever writing to it (SQLite read-only mode), and each run's learning curve from its train.json.</summary>
public sealed class RunStoreReader(string path)
{
    public const int MaxRuns = 1000;

    public string Path { get; } = path;

    /// <summary>The newest <paramref name="limit"/> runs; none when the store does not exist yet.</summary>
    public IReadOnlyList<RunRecord> Recent(int limit)
    {
        if (!File.Exists(Path)) return [];
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM runs ORDER BY id DESC LIMIT $limit;";
        cmd.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, MaxRuns));
        using var r = cmd.ExecuteReader();
        var list = new List<RunRecord>();
        while (r.Read()) list.Add(RunRecord.Read(r));
        return list;
    }

    public RunRecord? Find(long id)
    {
        if (!File.Exists(Path)) return null;
        using var db = Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT * FROM runs WHERE id = $id;";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? RunRecord.Read(r) : null;
    }

    /// <summary>The learning curve a run wrote to its train.json (x: epochs, test and running train accuracy), or null.</summary>
    public static JsonArray? Curve(RunRecord run)
    {
        if (run.OutDir is null) return null;
        var file = System.IO.Path.Combine(run.OutDir, "train.json");
        if (!File.Exists(file)) return null;
        try
        {
            using var stream = File.OpenRead(file);
            var curve = JsonNode.Parse(stream)?["curve"] as JsonArray;
            return curve is null ? null : new JsonArray(curve.Select(p => (JsonNode?)new JsonObject
            {
                ["epoch"] = p?["epoch"]?.GetValue<double>(), ["test"] = p?["test_accuracy"]?.GetValue<double>(), ["train"] = p?["train_accuracy"]?.GetValue<double>(),
            }).ToArray());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private SqliteConnection Open()
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        return db;
    }
}

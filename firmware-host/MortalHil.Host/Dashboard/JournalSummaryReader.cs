using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// A handover journal summarised for the page, read in SQLite's read-only mode (a journal is never opened for writing
/// here, so a dashboard cannot disturb a handover that is running): state, transitions, teacher queries, bits and the
/// canary accuracies of student and teacher per round.
/// </summary>
public static class JournalSummaryReader
{
    public const int MaxRounds = 2000;

    /// <summary>True when the file is an SQLite database with a handover journal's tables.</summary>
    public static bool IsJournal(string path)
    {
        try
        {
            using (var f = File.OpenRead(path))
            {
                Span<byte> head = stackalloc byte[16];
                if (f.Read(head) < 16 || !head.SequenceEqual("SQLite format 3\0"u8)) return false;
            }
            using var db = Open(path);
            return Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN ('meta','transitions','rounds')") == 3;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static JsonObject Read(string path, bool withRounds)
    {
        using var db = Open(path);
        var meta = new JsonObject();
        foreach (var (k, v) in Rows(db, "SELECT key, value FROM meta", r => (r.GetString(0), r.GetString(1)))) meta[k] = v;
        var transitions = new JsonArray(Rows(db, "SELECT from_state, to_state, reason, board_seconds, at_utc FROM transitions ORDER BY seq", r => (JsonNode)new JsonObject
        {
            ["from"] = r.GetString(0), ["to"] = r.GetString(1), ["reason"] = r.GetString(2), ["board_hours"] = r.GetDouble(3) / 3600, ["at"] = r.GetString(4),
        }).ToArray());
        string state = transitions.Count > 0 ? transitions[^1]!["to"]!.GetValue<string>() : "serving";
        long queries = Scalar(db, "SELECT coalesce(sum(count), 0) FROM query_intents");
        long collected = Scalar(db, "SELECT coalesce(sum(count), 0) FROM teacher_outputs");
        long classes = Scalar(db, "SELECT coalesce(max(classes), 0) FROM teacher_outputs");
        int bits = meta["fp.quantisation_bits"]?.GetValue<string>() is { } q && int.TryParse(q, NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) ? b : 8;
        var o = new JsonObject
        {
            ["path"] = path, ["state"] = state, ["student"] = meta["fp.student"]?.GetValue<string>(), ["teacher"] = meta["fp.teacher"]?.GetValue<string>(),
            ["attempts"] = Scalar(db, "SELECT count(*) FROM attempts"), ["teacher_queries"] = queries, ["collected_examples"] = collected,
            ["bits_sent"] = (double)collected * classes * bits, ["transfer_examples"] = meta["fp.transfer_examples"]?.GetValue<string>(),
            ["student_budget"] = meta["fp.student_steps"]?.GetValue<string>(), ["transitions"] = transitions,
        };
        var last = Rows(db, "SELECT student_canary, teacher_canary, trainer_step FROM rounds ORDER BY seq DESC LIMIT 1",
            r => (Nullable(r, 0), Nullable(r, 1), r.GetInt64(2))).FirstOrDefault();
        o["student_canary"] = last.Item1;
        o["teacher_canary"] = last.Item2;
        o["student_steps"] = last.Item3;
        if (withRounds)
            o["rounds"] = new JsonArray(Rows(db, $"SELECT round, state, student_canary, teacher_canary, trainer_step, board_seconds FROM rounds ORDER BY seq DESC LIMIT {MaxRounds}",
                r => (JsonNode)new JsonObject
                {
                    ["round"] = r.GetInt64(0), ["state"] = r.GetString(1), ["student_canary"] = Nullable(r, 2), ["teacher_canary"] = Nullable(r, 3),
                    ["student_steps"] = r.GetInt64(4), ["board_hours"] = r.GetDouble(5) / 3600,
                }).AsEnumerable().Reverse().ToArray());
        return o;
    }

    private static SqliteConnection Open(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        return db;
    }

    private static double? Nullable(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static long Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static List<T> Rows<T>(SqliteConnection db, string sql, Func<SqliteDataReader, T> row)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(row(r));
        return list;
    }
}

using System.Globalization;
using Microsoft.Data.Sqlite;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Interim;

/// <summary>
/// The handover journal: teacher soft targets (one row per transfer sample) and each student's training
/// progress, in an SQLite file. Every write is one committed transaction, so what a crash leaves behind is
/// exactly what was committed. WAL with synchronous=OFF: a committed transaction is in the operating
/// system's hands, so it survives a killed process (the failure the stress runner models) but not a
/// power cut; skipping the fsyncs keeps hundreds of simulated handovers fast. The owning process holds
/// the file exclusively; <see cref="Read"/> is for after it has gone (crashed or finished).
/// </summary>
internal sealed class InterimHandoverJournal : IDisposable
{
    private readonly SqliteConnection _db;

    public InterimHandoverJournal(string path)
    {
        _db = Open(path, SqliteOpenMode.ReadWriteCreate);
        // Order matters: with synchronous off and the lock held exclusively before WAL is switched on, SQLite
        // needs no shared-memory index and no fsync, which makes opening a journal ~50x faster.
        Execute("PRAGMA locking_mode=EXCLUSIVE; PRAGMA synchronous=OFF; PRAGMA journal_mode=WAL;" +
                "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);" +
                "CREATE TABLE IF NOT EXISTS teacher_outputs(idx INTEGER PRIMARY KEY, probs BLOB NOT NULL);" +
                "CREATE TABLE IF NOT EXISTS student_progress(serial TEXT PRIMARY KEY, steps INTEGER NOT NULL);");
    }

    /// <summary>Reads a journal's committed content without keeping it open; empty when the file does not exist.</summary>
    public static JournalView Read(string path)
    {
        if (!File.Exists(path)) return JournalView.Empty;
        using var db = Open(path, SqliteOpenMode.ReadOnly);
        var outputs = new Dictionary<int, ulong>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT idx, probs FROM teacher_outputs";
            using var r = cmd.ExecuteReader();
            while (r.Read()) outputs[r.GetInt32(0)] = ContentHash((byte[])r.GetValue(1));
        }
        var steps = new Dictionary<string, int>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT serial, steps FROM student_progress";
            using var r = cmd.ExecuteReader();
            while (r.Read()) steps[r.GetString(0)] = r.GetInt32(1);
        }
        return new JournalView(outputs, steps);
    }

    /// <summary>Meta value, or null.</summary>
    public string? Meta(string key)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    public void SetMeta(string key, string value)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    /// <summary>All committed teacher outputs: transfer index -> probabilities.</summary>
    public Dictionary<int, float[]> LoadOutputs()
    {
        var result = new Dictionary<int, float[]>();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT idx, probs FROM teacher_outputs";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var bytes = (byte[])r.GetValue(1);
            var p = new float[bytes.Length / sizeof(float)];
            Buffer.BlockCopy(bytes, 0, p, 0, p.Length * sizeof(float));
            result[r.GetInt32(0)] = p;
        }
        return result;
    }

    /// <summary>Commits a batch of teacher outputs in one transaction.</summary>
    public void AddOutputs(IReadOnlyList<(int Index, float[] Probabilities)> batch)
    {
        using var tx = _db.BeginTransaction();
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT OR REPLACE INTO teacher_outputs(idx, probs) VALUES($i, $p)";
        var i = cmd.Parameters.Add("$i", SqliteType.Integer);
        var p = cmd.Parameters.Add("$p", SqliteType.Blob);
        foreach (var (index, probs) in batch)
        {
            i.Value = index;
            p.Value = ToBytes(probs);
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Training steps committed for the student <paramref name="serial"/> (0 for a new student).</summary>
    public int StudentSteps(string serial)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT steps FROM student_progress WHERE serial = $s";
        cmd.Parameters.AddWithValue("$s", serial);
        return cmd.ExecuteScalar() is long n ? (int)n : 0;
    }

    public void SetStudentSteps(string serial, int steps)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "INSERT INTO student_progress(serial, steps) VALUES($s, $n) ON CONFLICT(serial) DO UPDATE SET steps = excluded.steps";
        cmd.Parameters.AddWithValue("$s", serial);
        cmd.Parameters.AddWithValue("$n", steps);
        cmd.ExecuteNonQuery();
    }

    public static byte[] ToBytes(float[] probs)
    {
        var bytes = new byte[probs.Length * sizeof(float)];
        Buffer.BlockCopy(probs, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>FNV-1a over the stored bytes: what "the same output" means when comparing journal views.</summary>
    public static ulong ContentHash(byte[] bytes)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (byte b in bytes) { h ^= b; h *= 0x100000001B3UL; }
        return h;
    }

    public void Dispose() => _db.Dispose();

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string path, SqliteOpenMode mode)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false }.ToString();
        var db = new SqliteConnection(cs);
        db.Open();
        return db;
    }

    internal static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

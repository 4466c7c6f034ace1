using System.IO.Compression;
using Microsoft.Data.Sqlite;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Toolkit;

/// <summary>
/// Reads a Mortality handover journal straight from its SQLite file, without <see cref="HandoverJournal"/>
/// (which records an attempt when it opens a journal): the runner's independent view of what was committed
/// before a crash, to compare with what the resumed process loads.
/// </summary>
public static class JournalFileReader
{
    /// <summary>Teacher output batches (hash of their logits) and the newest checkpoint's step; empty when the file does not exist.</summary>
    public static JournalView Read(string path)
    {
        if (!File.Exists(path)) return JournalView.Empty;
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var db = new SqliteConnection(cs);
        db.Open();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema'";
            if (cmd.ExecuteScalar() as string != HandoverJournal.SchemaVersion.ToString())
                throw new InvalidDataException($"{path} is not a handover journal of schema {HandoverJournal.SchemaVersion}");
        }
        var outputs = new Dictionary<int, JournaledBatch>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT batch, count, logits FROM teacher_outputs";
            using var r = cmd.ExecuteReader();
            while (r.Read()) outputs[r.GetInt32(0)] = new JournaledBatch(ContentHash(Inflate((byte[])r.GetValue(2))), r.GetInt32(1));
        }
        long steps;
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT trainer_step FROM checkpoints ORDER BY seq DESC LIMIT 1";
            steps = cmd.ExecuteScalar() is long n ? n : 0;
        }
        return new JournalView(outputs, steps);
    }

    /// <summary>The handover fingerprint stored in a journal (to reopen it through <see cref="HandoverJournal.Open"/>).</summary>
    public static Dictionary<string, string> Fingerprint(string path)
    {
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var db = new SqliteConnection(cs);
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT key, value FROM meta WHERE key LIKE 'fp.%'";
        using var r = cmd.ExecuteReader();
        var fp = new Dictionary<string, string>(StringComparer.Ordinal);
        while (r.Read()) fp[r.GetString(0)[3..]] = r.GetString(1);
        return fp;
    }

    /// <summary>FNV-1a over the logits' bytes: what "the same output" means when two views are compared.</summary>
    public static ulong ContentHash(ReadOnlySpan<byte> bytes)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (byte b in bytes) { h ^= b; h *= 0x100000001B3UL; }
        return h;
    }

    /// <summary>Hash of journaled logits as the journal API returns them.</summary>
    public static ulong ContentHash(float[] logits) => ContentHash(System.Runtime.InteropServices.MemoryMarshal.AsBytes(logits.AsSpan()));

    private static byte[] Inflate(byte[] data)
    {
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }
}

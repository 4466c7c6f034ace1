using System.Globalization;
using Microsoft.Data.Sqlite;
using MortalHil.Core.Files;

namespace MortalHil.Host.Runs;

/// <summary>One recorded run (a train command or an experiment).</summary>
public sealed record RunRecord
{
    public long Id { get; init; }
    public required string StartedUtc { get; init; }
    public string? FinishedUtc { get; init; }
    /// <summary>running, completed, failed or interrupted.</summary>
    public required string Status { get; init; }
    public required string Command { get; init; }
    public string? Algo { get; init; }
    public string? Board { get; init; }
    public string? Dataset { get; init; }
    public string? Shape { get; init; }
    public int? Seed { get; init; }
    public int? Epochs { get; init; }
    public double? TestAccuracy { get; init; }
    public long? ForwardPasses { get; init; }
    public long? Pulses { get; init; }
    public long? MaxPulsesPerCell { get; init; }
    public double? WallSeconds { get; init; }
    public double? SimSeconds { get; init; }
    public string? OutDir { get; init; }
    public string? Arguments { get; init; }
    public string? Error { get; init; }

    /// <summary>The record in the current row of a <c>SELECT * FROM runs</c> (the writer and the dashboard's read-only reader share it).</summary>
    internal static RunRecord Read(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        StartedUtc = r.GetString(r.GetOrdinal("started_utc")),
        FinishedUtc = Text(r, "finished_utc"),
        Status = r.GetString(r.GetOrdinal("status")),
        Command = r.GetString(r.GetOrdinal("command")),
        Algo = Text(r, "algo"),
        Board = Text(r, "board"),
        Dataset = Text(r, "dataset"),
        Shape = Text(r, "shape"),
        Seed = (int?)Long(r, "seed"),
        Epochs = (int?)Long(r, "epochs"),
        TestAccuracy = Real(r, "test_accuracy"),
        ForwardPasses = Long(r, "forward_passes"),
        Pulses = Long(r, "pulses"),
        MaxPulsesPerCell = Long(r, "max_pulses_per_cell"),
        WallSeconds = Real(r, "wall_seconds"),
        SimSeconds = Real(r, "sim_seconds"),
        OutDir = Text(r, "out_dir"),
        Arguments = Text(r, "arguments"),
        Error = Text(r, "error"),
    };

    private static string? Text(SqliteDataReader r, string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetString(r.GetOrdinal(c));
    private static long? Long(SqliteDataReader r, string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetInt64(r.GetOrdinal(c));
    private static double? Real(SqliteDataReader r, string c) => r.IsDBNull(r.GetOrdinal(c)) ? null : r.GetDouble(r.GetOrdinal(c));
}

/// <summary>
/// Every run, in an embedded SQLite database. Path: <c>--db</c>, else <c>$MORTALHIL_DB</c>, else
/// <c>$XDG_DATA_HOME/mortalhil/runs.db</c>, else <c>~/.local/share/mortalhil/runs.db</c>. A run is
/// recorded as "running" when it starts and updated when it ends, so a crashed run still shows.
/// </summary>
public sealed class RunStore : IDisposable
{
    /// <summary>Environment variable that overrides the database path.</summary>
    public const string DatabaseVariable = "MORTALHIL_DB";

    private readonly SqliteConnection _db;

    /// <summary>Schema version (<c>PRAGMA user_version</c>); 2 added the pid and host of a running run.</summary>
    public const int SchemaVersion = 2;

    public RunStore(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("--db needs a file name (got an empty value)");
        Path = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(Path)) throw new ArgumentException($"--db {Path} is a folder; it must be a database file");
        try { Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessFailedException(Path, $"cannot create the run store's folder: {e.Message}", e);
        }
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            _db.Open();
            // Runs on one store may be many processes at once (they each write a row): wait for each other, never fail.
            Execute("PRAGMA busy_timeout=10000;");
            long applicationId = Scalar("PRAGMA application_id;");
            if (applicationId != 0 && applicationId != FileKinds.RunStore)
                throw new InvalidDataException($"{Path} is {FileKinds.Describe(applicationId)}, not a run store");
            bool hasRuns = Scalar("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='runs'") > 0;
            if (!hasRuns && Scalar("SELECT count(*) FROM sqlite_master") > 0)
                throw new InvalidDataException($"{Path} is an SQLite database but not a run store (it has no runs table); refusing to add one");
            Execute("PRAGMA journal_mode=WAL;");
            Execute("""
                CREATE TABLE IF NOT EXISTS runs (
                  id INTEGER PRIMARY KEY AUTOINCREMENT,
                  started_utc TEXT NOT NULL, finished_utc TEXT, status TEXT NOT NULL, command TEXT NOT NULL,
                  algo TEXT, board TEXT, dataset TEXT, shape TEXT, seed INTEGER, epochs INTEGER,
                  test_accuracy REAL, forward_passes INTEGER, pulses INTEGER, max_pulses_per_cell INTEGER,
                  wall_seconds REAL, sim_seconds REAL, out_dir TEXT, arguments TEXT, error TEXT);
                """);
            // Two processes opening a new store at once must not both add the columns: check and add under the write lock.
            Execute("BEGIN IMMEDIATE;");
            try
            {
                if (Scalar("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'pid'") == 0)
                    Execute("ALTER TABLE runs ADD COLUMN pid INTEGER; ALTER TABLE runs ADD COLUMN host TEXT;");
                Execute("COMMIT;");
            }
            catch
            {
                Execute("ROLLBACK;");
                throw;
            }
            Execute($"PRAGMA application_id={FileKinds.RunStore}; PRAGMA user_version={SchemaVersion};");
            MarkAbandonedRuns();
        }
        catch (SqliteException e)
        {
            _db.Dispose();
            throw e.SqliteErrorCode is 11 or 26
                ? new CorruptFileException(Path, $"not a usable run store: {e.Message}", e)
                : new FileAccessFailedException(Path, $"run store: {e.Message}", e);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A row still "running" whose process (on this machine) is gone was killed (kill -9, power loss): it is marked
    /// "interrupted", so no run stays "running" forever.
    /// </summary>
    private void MarkAbandonedRuns()
    {
        var stale = new List<long>();
        using (var cmd = _db.CreateCommand())
        {
            cmd.CommandText = "SELECT id, pid FROM runs WHERE status = 'running' AND pid IS NOT NULL AND host = $host;";
            Bind(cmd, "$host", Environment.MachineName);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                if (!ProcessAlive(r.GetInt32(1))) stale.Add(r.GetInt64(0));
        }
        foreach (var id in stale)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "UPDATE runs SET status = 'interrupted', finished_utc = $now, error = 'the process ended without recording how (killed?)' WHERE id = $id AND status = 'running';";
            Bind(cmd, "$now", Now());
            Bind(cmd, "$id", id);
            cmd.ExecuteNonQuery();
        }
    }

    private static bool ProcessAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The database path from an explicit value, the environment, or the user's data folder.</summary>
    public static string ResolvePath(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return explicitPath;
        var env = Environment.GetEnvironmentVariable(DatabaseVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var data = !string.IsNullOrWhiteSpace(xdg) ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return System.IO.Path.Combine(data, "mortalhil", "runs.db");
    }

    /// <summary>Records a run that has started; returns its id.</summary>
    public long Start(RunRecord run)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO runs (started_utc, status, command, algo, board, dataset, shape, seed, epochs, out_dir, arguments, pid, host)
            VALUES ($started, $status, $command, $algo, $board, $dataset, $shape, $seed, $epochs, $out, $args, $pid, $host);
            SELECT last_insert_rowid();
            """;
        Bind(cmd, "$started", run.StartedUtc);
        Bind(cmd, "$status", run.Status);
        Bind(cmd, "$command", run.Command);
        Bind(cmd, "$algo", run.Algo);
        Bind(cmd, "$board", run.Board);
        Bind(cmd, "$dataset", run.Dataset);
        Bind(cmd, "$shape", run.Shape);
        Bind(cmd, "$seed", run.Seed);
        Bind(cmd, "$epochs", run.Epochs);
        Bind(cmd, "$out", run.OutDir);
        Bind(cmd, "$args", run.Arguments);
        Bind(cmd, "$pid", Environment.ProcessId);
        Bind(cmd, "$host", Environment.MachineName);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Records how a run ended.</summary>
    public void Finish(long id, string status, double? testAccuracy = null, long? forwardPasses = null, long? pulses = null,
        long? maxPulsesPerCell = null, double? wallSeconds = null, double? simSeconds = null, string? error = null)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = """
            UPDATE runs SET finished_utc = $finished, status = $status, test_accuracy = $acc, forward_passes = $passes,
              pulses = $pulses, max_pulses_per_cell = $max, wall_seconds = $wall, sim_seconds = $sim, error = $error WHERE id = $id;
            """;
        Bind(cmd, "$finished", Now());
        Bind(cmd, "$status", status);
        Bind(cmd, "$acc", testAccuracy);
        Bind(cmd, "$passes", forwardPasses);
        Bind(cmd, "$pulses", pulses);
        Bind(cmd, "$max", maxPulsesPerCell);
        Bind(cmd, "$wall", wallSeconds);
        Bind(cmd, "$sim", simSeconds);
        Bind(cmd, "$error", error);
        Bind(cmd, "$id", id);
        if (cmd.ExecuteNonQuery() != 1) throw new InvalidOperationException($"run {id} is not in {Path}");
    }

    /// <summary>The most recent runs, newest first.</summary>
    public IReadOnlyList<RunRecord> Recent(int limit)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT * FROM runs ORDER BY id DESC LIMIT $limit;";
        Bind(cmd, "$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<RunRecord>();
        while (r.Read()) list.Add(RunRecord.Read(r));
        return list;
    }

    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    public void Dispose() => _db.Dispose();

    private long Scalar(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
    }

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void Bind(SqliteCommand cmd, string name, object? value) => cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
}

using System.IO.Compression;
using Microsoft.Data.Sqlite;
using MortalHil.Core.Files;

namespace MortalHil.Core.Mortality.Handover;

/// <summary>
/// The handover's durable memory: an append-only SQLite journal (WAL mode, one transaction per
/// step) of state transitions, teacher queries, teacher outputs, student checkpoints and rounds.
/// Rows are only ever inserted, never updated or deleted, so a process killed at any moment
/// leaves a journal whose every committed step is intact; reopening it continues from there.
/// </summary>
/// <remarks>
/// WAL with synchronous=NORMAL keeps every committed transaction across a crash of the process
/// (only a power loss or OS crash can roll back the last ones: sqlite.org/wal.html,
/// sqlite.org/pragma.html#pragma_synchronous). Blobs (board files, host state, logits) are
/// stored zlib-compressed. The journal records which handover it belongs to (its
/// fingerprint: boards, seed, plan); reopening it for a different handover is refused.
/// </remarks>
public sealed class HandoverJournal : IHandoverJournal
{
    /// <summary>Schema version; a journal of another version is refused rather than misread.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Largest blob a journal row may decompress to (a board file of the largest allowed board is about 600 MB).</summary>
    public const long MaxBlobBytes = 1L << 30;

    private readonly SqliteConnection _db;
    private readonly ExclusiveFileLock _lock;
    private readonly CommitCounter _counter;
    private long _steps;

    private HandoverJournal(SqliteConnection db, ExclusiveFileLock fileLock, CommitCounter counter, long steps, string path, int attempt, bool resumed)
    {
        _db = db;
        _lock = fileLock;
        _counter = counter;
        _steps = steps;
        Path = path;
        Attempt = attempt;
        Resumed = resumed;
    }

    /// <summary>Deletes a journal and the files beside it (write-ahead log, shared memory, lock, commit counter).</summary>
    public static void Delete(string path)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal", ".lock", ".lock.holder", ".steps" })
            if (File.Exists(path + suffix)) File.Delete(path + suffix);
    }

    /// <summary>Committed steps (rows) in the journal, as this process counts them.</summary>
    public long CommittedSteps => _steps;

    /// <summary>File the journal lives in.</summary>
    public string Path { get; }

    /// <summary>This process's attempt number: 1 for a fresh journal, one more for each reopening.</summary>
    public int Attempt { get; }

    /// <summary>True when this attempt continues a journal an earlier attempt wrote.</summary>
    public bool Resumed { get; }

    /// <summary>
    /// Opens the journal at <paramref name="path"/>, creating it if absent, and records a new attempt.
    /// Throws <see cref="InvalidDataException"/> when the file is not a handover journal or belongs to
    /// a handover with a different <paramref name="fingerprint"/>.
    /// </summary>
    public static HandoverJournal Open(string path, IReadOnlyDictionary<string, string> fingerprint)
    {
        var full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new DirectoryNotFoundException($"journal directory {dir} does not exist");
        if (Directory.Exists(full)) throw new InvalidDataException($"{full} is a folder, not a handover journal");
        // One process at a time: a second one would interleave its steps with the first one's (duplicate batches,
        // impossible transitions) and ask the teacher again for what the first already journaled.
        var fileLock = ExclusiveFileLock.Acquire(full);
        CommitCounter? counter = null;
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false, Mode = SqliteOpenMode.ReadWriteCreate }.ToString());
        try
        {
            counter = CommitCounter.Open(full);
            db.Open();
            long applicationId = Scalar<long>(db, "PRAGMA application_id;");
            if (applicationId != 0 && applicationId != FileKinds.HandoverJournal)
                throw new InvalidDataException($"{full} is {FileKinds.Describe(applicationId)}, not a handover journal");
            Exec(db, "PRAGMA journal_mode=WAL;");
            Exec(db, "PRAGMA synchronous=NORMAL;");
            Exec(db, "PRAGMA busy_timeout=5000;");
            bool fresh;
            using (var tx = db.BeginTransaction())
            {
                fresh = Scalar<long>(db, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'", tx) == 0;
                if (fresh)
                {
                    if (Scalar<long>(db, "SELECT count(*) FROM sqlite_master", tx) != 0)
                        throw new InvalidDataException($"{full} is an SQLite database but not a handover journal");
                    if (counter.Value > 0)
                        throw new InvalidDataException($"{full} is empty, but {counter.Value} committed steps were counted in {counter.WitnessPath}: " +
                            $"the journal's write-ahead log ({full}-wal) was lost. To start this handover over, delete {counter.WitnessPath} too");
                    CreateSchema(db, tx, fingerprint);
                }
                else
                    CheckIdentity(db, tx, full, fingerprint);
                tx.Commit();
            }
            if (fresh) Exec(db, $"PRAGMA application_id={FileKinds.HandoverJournal}; PRAGMA user_version={SchemaVersion};");
            long steps = CountSteps(db);
            if (steps < counter.Value)
                throw new InvalidDataException($"{full} holds {steps} committed steps, but {counter.Value} were committed (counted in {counter.WitnessPath}): " +
                    $"its write-ahead log ({full}-wal) was deleted or rolled back, so resuming would ask the teacher again for what was already reported. Restore the log or start over with a new journal");
            int attempt;
            bool resumed;
            using (var tx = db.BeginTransaction())
            {
                // Resumed means an earlier attempt got as far as journaling something beyond its own start.
                long earlierAttempts = Scalar<long>(db, "SELECT count(*) FROM attempts", tx);
                resumed = earlierAttempts > 0;
                {
                    attempt = (int)earlierAttempts + 1;
                    Exec(db, "INSERT INTO attempts(id, started_utc, pid) VALUES ($a, $t, $p)", tx,
                        ("$a", attempt), ("$t", DateTime.UtcNow.ToString("O")), ("$p", Environment.ProcessId));
                    steps++;
                }
                tx.Commit();
            }
            counter.Record(steps);
            return new HandoverJournal(db, fileLock, counter, steps, full, attempt, resumed);
        }
        catch (SqliteException e)
        {
            db.Dispose();
            counter?.Dispose();
            fileLock.Dispose();
            throw e.SqliteErrorCode is 11 or 26
                ? new InvalidDataException($"{full} is not a usable handover journal: {e.Message}", e)
                : new FileAccessFailedException(full, $"journal: {e.Message}", e);
        }
        catch (Exception e) when (IsDamagedValue(e))
        {
            db.Dispose();
            counter?.Dispose();
            fileLock.Dispose();
            throw new InvalidDataException($"{full} is a damaged handover journal ({e.Message})", e);
        }
        catch
        {
            db.Dispose();
            counter?.Dispose();
            fileLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What reading a damaged journal throws where SQLite itself saw nothing wrong: a NULL or a value of another type
    /// in a column ("The data is NULL at ordinal 0", found by the property suite), a state name that is not one.
    /// </summary>
    private static bool IsDamagedValue(Exception e) =>
        e is InvalidCastException or FormatException or OverflowException or ArgumentException
        || (e is InvalidOperationException && e.GetType() == typeof(InvalidOperationException) && e.Source == "Microsoft.Data.Sqlite");

    /// <summary>Runs a read of journaled rows; a damaged value becomes an error naming the journal.</summary>
    private T ReadRows<T>(Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (IsDamagedValue(e))
        {
            throw new InvalidDataException($"{Path} is a damaged handover journal ({e.Message})", e);
        }
    }

    /// <summary>Rows in the append-only tables: every committed step adds exactly one.</summary>
    private static long CountSteps(SqliteConnection db) => Scalar<long>(db, """
        SELECT (SELECT count(*) FROM attempts) + (SELECT count(*) FROM transitions) + (SELECT count(*) FROM query_intents)
             + (SELECT count(*) FROM teacher_outputs) + (SELECT count(*) FROM checkpoints) + (SELECT count(*) FROM rounds) + (SELECT count(*) FROM events)
        """);

    /// <summary>Counts a step this process has just committed (and tells the witness outside the database).</summary>
    private void Committed()
    {
        _steps++;
        _counter.Record(_steps);
    }

    private static void CreateSchema(SqliteConnection db, SqliteTransaction tx, IReadOnlyDictionary<string, string> fingerprint)
    {
        Exec(db, """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE attempts (id INTEGER PRIMARY KEY, started_utc TEXT NOT NULL, pid INTEGER NOT NULL);
            CREATE TABLE transitions (seq INTEGER PRIMARY KEY AUTOINCREMENT, attempt INTEGER NOT NULL,
                from_state TEXT NOT NULL, to_state TEXT NOT NULL, reason TEXT NOT NULL, board_seconds REAL NOT NULL, at_utc TEXT NOT NULL);
            CREATE TABLE query_intents (seq INTEGER PRIMARY KEY AUTOINCREMENT, attempt INTEGER NOT NULL,
                purpose TEXT NOT NULL, batch INTEGER NOT NULL, count INTEGER NOT NULL);
            CREATE TABLE teacher_outputs (batch INTEGER PRIMARY KEY, first_index INTEGER NOT NULL, count INTEGER NOT NULL,
                classes INTEGER NOT NULL, logits BLOB NOT NULL, attempt INTEGER NOT NULL);
            CREATE TABLE checkpoints (seq INTEGER PRIMARY KEY AUTOINCREMENT, attempt INTEGER NOT NULL, round INTEGER NOT NULL,
                trainer_step INTEGER NOT NULL, student_board BLOB, student_board_base INTEGER, student_host BLOB NOT NULL, teacher_seconds REAL,
                student_canary REAL NOT NULL, teacher_canary REAL, student_pulses INTEGER NOT NULL, board_seconds REAL NOT NULL);
            CREATE TABLE rounds (seq INTEGER PRIMARY KEY AUTOINCREMENT, round INTEGER NOT NULL, attempt INTEGER NOT NULL,
                state TEXT NOT NULL, served_by TEXT NOT NULL, requests INTEGER NOT NULL, correct INTEGER NOT NULL,
                student_canary REAL, teacher_canary REAL, trainer_step INTEGER NOT NULL, collected_batches INTEGER NOT NULL,
                board_seconds REAL NOT NULL);
            CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, attempt INTEGER NOT NULL, kind TEXT NOT NULL,
                detail TEXT NOT NULL, board_seconds REAL NOT NULL, at_utc TEXT NOT NULL);
            CREATE TRIGGER no_update_outputs BEFORE UPDATE ON teacher_outputs BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
            CREATE TRIGGER no_delete_outputs BEFORE DELETE ON teacher_outputs BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
            CREATE TRIGGER no_update_transitions BEFORE UPDATE ON transitions BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
            CREATE TRIGGER no_delete_transitions BEFORE DELETE ON transitions BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
            """, tx);
        Exec(db, "INSERT INTO meta(key, value) VALUES ('schema', $v)", tx, ("$v", SchemaVersion.ToString()));
        foreach (var (k, v) in fingerprint.OrderBy(p => p.Key, StringComparer.Ordinal))
            Exec(db, "INSERT INTO meta(key, value) VALUES ($k, $v)", tx, ("$k", "fp." + k), ("$v", v));
    }

    private static void CheckIdentity(SqliteConnection db, SqliteTransaction tx, string path, IReadOnlyDictionary<string, string> fingerprint)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var cmd = Command(db, "SELECT key, value FROM meta", tx))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) meta[r.GetString(0)] = r.GetString(1);
        if (!meta.TryGetValue("schema", out var schema) || schema != SchemaVersion.ToString())
            throw new InvalidDataException($"{path} is a handover journal of schema {schema ?? "?"}, this build reads {SchemaVersion}");
        var stored = meta.Where(p => p.Key.StartsWith("fp.", StringComparison.Ordinal)).ToDictionary(p => p.Key[3..], p => p.Value);
        foreach (var key in stored.Keys.Union(fingerprint.Keys).Order(StringComparer.Ordinal))
        {
            stored.TryGetValue(key, out var was);
            fingerprint.TryGetValue(key, out var now);
            if (was != now)
                throw new InvalidDataException($"journal {path} belongs to a different handover: {key} was '{was ?? "(none)"}', now '{now ?? "(none)"}'");
        }
    }

    /// <summary>The handover's identity as stored (the fingerprint it was created with).</summary>
    public IReadOnlyDictionary<string, string> Fingerprint() => ReadRows(ReadFingerprint);

    private IReadOnlyDictionary<string, string> ReadFingerprint()
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        using var cmd = Command(_db, "SELECT key, value FROM meta WHERE key LIKE 'fp.%'");
        using var r = cmd.ExecuteReader();
        while (r.Read()) d[r.GetString(0)[3..]] = r.GetString(1);
        return d;
    }

    // ---------------------------------------------------------------- state

    /// <summary>The latest journaled state (Serving for a fresh journal).</summary>
    public HandoverState State
    {
        get
        {
            var s = Scalar<string?>(_db, "SELECT to_state FROM transitions ORDER BY seq DESC LIMIT 1");
            return s is null ? HandoverState.Serving : HandoverStateNames.Parse(s);
        }
    }

    /// <summary>Journals a state change; refuses a change the state machine does not allow.</summary>
    public void Transition(HandoverState to, string reason, TimeSpan boardTime)
    {
        using var tx = _db.BeginTransaction();
        var fromName = Scalar<string?>(_db, "SELECT to_state FROM transitions ORDER BY seq DESC LIMIT 1", tx);
        var from = fromName is null ? HandoverState.Serving : HandoverStateNames.Parse(fromName);
        if (!HandoverStateNames.CanMove(from, to))
            throw new InvalidOperationException($"handover cannot move from {from.Name()} to {to.Name()}");
        Exec(_db, "INSERT INTO transitions(attempt, from_state, to_state, reason, board_seconds, at_utc) VALUES ($a, $f, $t, $r, $b, $u)", tx,
            ("$a", Attempt), ("$f", from.Name()), ("$t", to.Name()), ("$r", reason), ("$b", boardTime.TotalSeconds), ("$u", DateTime.UtcNow.ToString("O")));
        tx.Commit();
        Committed();
    }

    /// <summary>Every state change, oldest first.</summary>
    public IReadOnlyList<StateTransition> Transitions() => ReadRows(ReadTransitions);

    private IReadOnlyList<StateTransition> ReadTransitions()
    {
        var list = new List<StateTransition>();
        using var cmd = Command(_db, "SELECT seq, attempt, from_state, to_state, reason, board_seconds FROM transitions ORDER BY seq");
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new StateTransition(r.GetInt64(0), r.GetInt32(1), HandoverStateNames.Parse(r.GetString(2)),
                HandoverStateNames.Parse(r.GetString(3)), r.GetString(4), TimeSpan.FromSeconds(r.GetDouble(5))));
        return list;
    }

    // ---------------------------------------------------------------- teacher queries and outputs

    /// <summary>
    /// Journals, before asking, that the teacher is about to be asked <paramref name="count"/> queries.
    /// Committed first, so a query whose answer is lost to a crash is still counted.
    /// </summary>
    public void RecordQueryIntent(QueryPurpose purpose, int batch, int count)
    {
        using var tx = _db.BeginTransaction();
        Exec(_db, "INSERT INTO query_intents(attempt, purpose, batch, count) VALUES ($a, $p, $b, $c)", tx,
            ("$a", Attempt), ("$p", purpose.ToString().ToLowerInvariant()), ("$b", batch), ("$c", count));
        tx.Commit();
        Committed();
    }

    /// <summary>Teacher queries over all attempts (null purpose: all purposes).</summary>
    public long TeacherQueries(QueryPurpose? purpose = null) => purpose is { } p
        ? Scalar<long>(_db, "SELECT coalesce(sum(count), 0) FROM query_intents WHERE purpose = $p", null, ("$p", p.ToString().ToLowerInvariant()))
        : Scalar<long>(_db, "SELECT coalesce(sum(count), 0) FROM query_intents");

    /// <summary>Journals one batch of teacher logits. A batch is journaled once; a second copy is refused.</summary>
    public void AppendTeacherOutputs(int batch, long firstIndex, int count, int classes, ReadOnlySpan<float> logits)
    {
        if (logits.Length != count * classes) throw new ArgumentException($"{logits.Length} logits are not {count} x {classes}");
        var bytes = Compress(System.Runtime.InteropServices.MemoryMarshal.AsBytes(logits));
        using var tx = _db.BeginTransaction();
        Exec(_db, "INSERT INTO teacher_outputs(batch, first_index, count, classes, logits, attempt) VALUES ($b, $f, $c, $k, $l, $a)", tx,
            ("$b", batch), ("$f", firstIndex), ("$c", count), ("$k", classes), ("$l", bytes), ("$a", Attempt));
        tx.Commit();
        Committed();
    }

    /// <summary>Number of teacher output batches journaled.</summary>
    public int TeacherBatchCount => (int)Scalar<long>(_db, "SELECT count(*) FROM teacher_outputs");

    /// <summary>Every journaled teacher batch in batch order.</summary>
    public IReadOnlyList<TeacherBatch> TeacherOutputs() => ReadRows(ReadTeacherOutputs);

    private IReadOnlyList<TeacherBatch> ReadTeacherOutputs()
    {
        var list = new List<TeacherBatch>();
        using var cmd = Command(_db, "SELECT batch, first_index, count, classes, logits, attempt FROM teacher_outputs ORDER BY batch");
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var raw = Inflate((byte[])r.GetValue(4));
            var logits = new float[raw.Length / sizeof(float)];
            Buffer.BlockCopy(raw, 0, logits, 0, raw.Length);
            list.Add(new TeacherBatch(r.GetInt32(0), r.GetInt64(1), r.GetInt32(2), r.GetInt32(3), logits, r.GetInt32(5)));
        }
        return list;
    }

    // ---------------------------------------------------------------- student checkpoints

    /// <summary>
    /// Journals a student checkpoint in one transaction. The student board is stored as a delta
    /// against the first full board state of the journal (then zlib): a board file is mostly
    /// physics that never changes, so the delta is mostly zeros. Board files grow or shrink a little
    /// in their header (e.g. a simulator's recent-pulse ledger), so the two are aligned at their ends.
    /// </summary>
    public void AppendCheckpoint(HandoverCheckpoint c)
    {
        object boardBlob = DBNull.Value, baseSeq = DBNull.Value;
        if (c.StudentBoard is { } board)
        {
            var (seq, baseBoard) = BaseBoard();
            if (baseBoard is not null)
            {
                boardBlob = Compress(XorTailAligned(board, baseBoard));
                baseSeq = seq;
            }
            else boardBlob = Compress(board);
        }
        using var tx = _db.BeginTransaction();
        Exec(_db, """
            INSERT INTO checkpoints(attempt, round, trainer_step, student_board, student_board_base, student_host, teacher_seconds, student_canary, teacher_canary, student_pulses, board_seconds)
            VALUES ($a, $r, $s, $sb, $base, $sh, $tt, $sc, $tc, $p, $b)
            """, tx,
            ("$a", Attempt), ("$r", c.Round), ("$s", c.TrainerStep), ("$sb", boardBlob), ("$base", baseSeq),
            ("$sh", Compress(c.StudentHost)), ("$tt", c.TeacherBoardTime is { } tt ? tt.TotalSeconds : DBNull.Value),
            ("$sc", c.StudentCanary), ("$tc", c.TeacherCanary is { } t ? t : DBNull.Value), ("$p", c.StudentPulses), ("$b", c.BoardTime.TotalSeconds));
        tx.Commit();
        Committed();
    }

    /// <summary>
    /// b[i] XOR a[i - (b.Length - a.Length)] (0 where that index is outside a), so bytes that sit at the same
    /// distance from the end of both files cancel. Its own inverse: applying it to the result and a gives b back.
    /// </summary>
    internal static byte[] XorTailAligned(byte[] b, byte[] a)
    {
        var result = (byte[])b.Clone();
        int shift = b.Length - a.Length;
        int from = Math.Max(0, shift);
        var dst = result.AsSpan(from);
        var src = a.AsSpan(from - shift, dst.Length);
        // Vectorised XOR of the overlap (the whole board but a few header bytes).
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<byte>.Count;
            for (; i + w <= dst.Length; i += w)
                (new System.Numerics.Vector<byte>(dst.Slice(i)) ^ new System.Numerics.Vector<byte>(src.Slice(i))).CopyTo(dst.Slice(i));
        }
        for (; i < dst.Length; i++) dst[i] ^= src[i];
        return result;
    }

    private (long Seq, byte[]? Board) _baseBoard = (-1, null);

    /// <summary>The first checkpoint's full student board (cached).</summary>
    private (long Seq, byte[]? Board) BaseBoard()
    {
        if (_baseBoard.Board is not null) return _baseBoard;
        using var cmd = Command(_db, "SELECT seq, student_board FROM checkpoints WHERE student_board IS NOT NULL AND student_board_base IS NULL ORDER BY seq LIMIT 1");
        using var r = cmd.ExecuteReader();
        if (r.Read()) _baseBoard = (r.GetInt64(0), Inflate((byte[])r.GetValue(1)));
        return _baseBoard;
    }

    /// <summary>The newest checkpoint, or null if none was taken.</summary>
    public HandoverCheckpoint? LatestCheckpoint() => ReadRows(ReadLatestCheckpoint);

    private HandoverCheckpoint? ReadLatestCheckpoint()
    {
        using var cmd = Command(_db, """
            SELECT trainer_step, student_board, student_board_base, student_host, teacher_seconds, student_canary, teacher_canary, student_pulses, board_seconds, round
            FROM checkpoints ORDER BY seq DESC LIMIT 1
            """);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) return null;
        byte[]? board = null;
        if (!r.IsDBNull(1))
        {
            board = Inflate((byte[])r.GetValue(1));
            if (!r.IsDBNull(2))
            {
                var (seq, baseBoard) = BaseBoard();
                if (baseBoard is null || seq != r.GetInt64(2))
                    throw new InvalidDataException($"journal {Path}: checkpoint refers to a base board state that is missing");
                board = XorTailAligned(board, baseBoard);
            }
        }
        return new HandoverCheckpoint(
            r.GetInt64(0), board, Inflate((byte[])r.GetValue(3)),
            r.IsDBNull(4) ? null : TimeSpan.FromSeconds(r.GetDouble(4)), r.GetDouble(5), r.IsDBNull(6) ? null : r.GetDouble(6),
            r.GetInt64(7), TimeSpan.FromSeconds(r.GetDouble(8)), r.GetInt64(9));
    }

    /// <summary>The teacher's clock at the newest checkpoint that read it, or null.</summary>
    public TimeSpan? LatestTeacherBoardTime()
    {
        var seconds = Scalar<double?>(_db, "SELECT teacher_seconds FROM checkpoints WHERE teacher_seconds IS NOT NULL ORDER BY seq DESC LIMIT 1");
        return seconds is { } s ? TimeSpan.FromSeconds(s) : null;
    }

    /// <summary>Number of checkpoints taken over all attempts.</summary>
    public int CheckpointCount => (int)Scalar<long>(_db, "SELECT count(*) FROM checkpoints");

    // ---------------------------------------------------------------- rounds and events

    /// <summary>Journals one handover round.</summary>
    public void AppendRound(HandoverRound round)
    {
        using var tx = _db.BeginTransaction();
        Exec(_db, """
            INSERT INTO rounds(round, attempt, state, served_by, requests, correct, student_canary, teacher_canary, trainer_step, collected_batches, board_seconds)
            VALUES ($r, $a, $s, $by, $n, $c, $sc, $tc, $ts, $cb, $b)
            """, tx,
            ("$r", round.Round), ("$a", Attempt), ("$s", round.State.Name()), ("$by", round.ServedBy), ("$n", round.Requests), ("$c", round.Correct),
            ("$sc", round.StudentCanary is { } s ? s : DBNull.Value), ("$tc", round.TeacherCanary is { } t ? t : DBNull.Value),
            ("$ts", round.TrainerStep), ("$cb", round.CollectedBatches), ("$b", round.BoardTime.TotalSeconds));
        tx.Commit();
        Committed();
    }

    /// <summary>Every journaled round over all attempts, in journal order (a round redone after a resume appears twice).</summary>
    public IReadOnlyList<HandoverRound> Rounds() => ReadRows(ReadRounds);

    private IReadOnlyList<HandoverRound> ReadRounds()
    {
        var list = new List<HandoverRound>();
        using var cmd = Command(_db, """
            SELECT round, attempt, state, served_by, requests, correct, student_canary, teacher_canary, trainer_step, collected_batches, board_seconds
            FROM rounds ORDER BY seq
            """);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new HandoverRound(r.GetInt64(0), r.GetInt32(1), HandoverStateNames.Parse(r.GetString(2)), r.GetString(3), r.GetInt32(4), r.GetInt32(5),
                r.IsDBNull(6) ? null : r.GetDouble(6), r.IsDBNull(7) ? null : r.GetDouble(7), r.GetInt64(8), r.GetInt32(9), TimeSpan.FromSeconds(r.GetDouble(10))));
        return list;
    }

    /// <summary>Journals an event that is not a state change.</summary>
    public void AppendEvent(string kind, string detail, TimeSpan boardTime)
    {
        using var tx = _db.BeginTransaction();
        Exec(_db, "INSERT INTO events(attempt, kind, detail, board_seconds, at_utc) VALUES ($a, $k, $d, $b, $u)", tx,
            ("$a", Attempt), ("$k", kind), ("$d", detail), ("$b", boardTime.TotalSeconds), ("$u", DateTime.UtcNow.ToString("O")));
        tx.Commit();
        Committed();
    }

    /// <summary>Journaled events, optionally of one kind only.</summary>
    public IReadOnlyList<JournalEvent> Events(string? kind = null) => ReadRows(() => ReadEvents(kind));

    private IReadOnlyList<JournalEvent> ReadEvents(string? kind)
    {
        var list = new List<JournalEvent>();
        using var cmd = kind is null
            ? Command(_db, "SELECT seq, attempt, kind, detail, board_seconds FROM events ORDER BY seq")
            : Command(_db, "SELECT seq, attempt, kind, detail, board_seconds FROM events WHERE kind = $k ORDER BY seq", null, ("$k", kind));
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new JournalEvent(r.GetInt64(0), r.GetInt32(1), r.GetString(2), r.GetString(3), TimeSpan.FromSeconds(r.GetDouble(4))));
        return list;
    }

    /// <summary>Number of attempts (processes) that opened this journal, including this one.</summary>
    public int AttemptCount => (int)Scalar<long>(_db, "SELECT count(*) FROM attempts");

    public void Dispose()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        _counter.Dispose();
        _lock.Dispose();
    }

    // ---------------------------------------------------------------- plumbing

    internal static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    internal static byte[] Decompress(byte[] data) => Decompress(data, "journal");

    /// <summary>Inflates a journaled blob, refusing one that is damaged or would inflate beyond <see cref="MaxBlobBytes"/>, naming the journal.</summary>
    private byte[] Inflate(byte[] data) => Decompress(data, Path);

    internal static byte[] Decompress(byte[] data, string journal)
    {
        try
        {
            using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
            using var ms = new MemoryStream();
            var buffer = new byte[1 << 16];
            int n;
            while ((n = z.Read(buffer)) > 0)
            {
                if (ms.Length + n > MaxBlobBytes) throw new InvalidDataException($"{journal}: a journaled blob inflates beyond the {MaxBlobBytes:N0}-byte limit");
                ms.Write(buffer, 0, n);
            }
            return ms.ToArray();
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(journal, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{journal}: a journaled blob is damaged ({e.Message})", e);
        }
    }

    private static SqliteCommand Command(SqliteConnection db, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] args)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        return cmd;
    }

    private static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] args)
    {
        using var cmd = Command(db, sql, tx, args);
        cmd.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection db, string sql, SqliteTransaction? tx = null, params (string Name, object Value)[] args)
    {
        using var cmd = Command(db, sql, tx, args);
        var v = cmd.ExecuteScalar();
        if (v is null || v is DBNull) return default!;
        return (T)Convert.ChangeType(v, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}

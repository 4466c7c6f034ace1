using MortalHil.Core.Files;
using MortalHil.Core.Mortality.Handover;

namespace MortalHil.Fleet.Handover.Journal;

/// <summary>
/// The node's side of one journal kept for coordinators elsewhere (the logic of <see cref="HandoverJournalGrain"/>, apart from
/// Orleans): at most one open <see cref="HandoverJournal"/> and one live session. Opening starts a new session and ends the one
/// before; a call of an ended session is refused with <see cref="JournalSessionLostException"/>. Writes are numbered 1, 2, ...
/// within a session: the next number is applied, the last one is answered again from its outcome (its answer was lost on the
/// way), any other number is refused.
/// </summary>
internal sealed class JournalSessions(string name) : IDisposable
{
    private HandoverJournal? _journal;
    private Guid _session;
    private long _lastWrite;
    private string? _lastRefusal;

    /// <summary>Opens (or creates) the journal at <paramref name="path"/> as a new attempt, ending any earlier session.</summary>
    public JournalOpening Open(string path, IReadOnlyDictionary<string, string> fingerprint, string node)
    {
        Dispose();
        try
        {
            _journal = HandoverJournal.Open(path, fingerprint);
        }
        catch (Exception e) when (e is InvalidDataException or FileLockedException or FileAccessFailedException or DirectoryNotFoundException)
        {
            throw new JournalRefusedException($"{name}: {e.Message}");
        }
        _session = Guid.NewGuid();
        _lastWrite = 0;
        _lastRefusal = null;
        return new JournalOpening(_session, node, _journal.Path, _journal.Attempt, _journal.Resumed);
    }

    /// <summary>Ends <paramref name="session"/> and closes the file, if that session is the live one.</summary>
    public void Close(Guid session)
    {
        if (session == _session) Dispose();
    }

    public T Read<T>(Guid session, Func<HandoverJournal, T> read)
    {
        var journal = In(session);
        try { return read(journal); }
        catch (InvalidDataException e) { throw new JournalRefusedException($"{name}: {e.Message}"); }
    }

    /// <summary>Applies write number <paramref name="write"/> of <paramref name="session"/> once.</summary>
    public void Write(Guid session, long write, Action<HandoverJournal> apply)
    {
        var journal = In(session);
        if (write == _lastWrite)
        {
            if (_lastRefusal is not null) throw new JournalRefusedException(_lastRefusal);
            return;
        }
        if (write != _lastWrite + 1)
            throw new JournalSessionLostException($"{name}: write {write} arrived after write {_lastWrite}; this session ends");
        _lastWrite = write;
        _lastRefusal = null;
        try
        {
            apply(journal);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or ArgumentException or Microsoft.Data.Sqlite.SqliteException)
        {
            // Refused by the journal itself (an impossible transition, a batch journaled twice): one transaction, nothing committed.
            _lastRefusal = $"{name}: {e.Message}";
            throw new JournalRefusedException(_lastRefusal);
        }
    }

    private HandoverJournal In(Guid session) => _journal is not null && session == _session && session != Guid.Empty ? _journal
        : throw new JournalSessionLostException($"{name}: that session ended (another coordinator opened the journal, or the node restarted)");

    public void Dispose()
    {
        _journal?.Dispose();
        _journal = null;
        _session = Guid.Empty;
    }
}

using MortalHil.Core.Mortality.Handover;
using MortalHil.Fleet.Handover.Journal;
using Moq;

namespace MortalHil.Fleet.Tests;

/// <summary>
/// The rules a journal kept on one node for coordinators elsewhere adds to Core's journal: one live session (a newer coordinator
/// fences an older one), numbered writes applied once (a resend after a lost answer is answered, not journaled again), and a
/// node that does not answer reported unreachable, never taken for dead.
/// </summary>
public sealed class JournalSessionsTests : IDisposable
{
    private static readonly Dictionary<string, string> Fingerprint = new() { ["handover"] = "h", ["seed"] = "1" };
    private readonly string _dir = Directory.CreateTempSubdirectory("mortalhil-journal-sessions-").FullName;
    private string Path => System.IO.Path.Combine(_dir, "handover-h.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static HandoverRound Round(long n) => new(n, 1, HandoverState.Serving, "teacher", 4, 3, null, 0.9, 0, 0, TimeSpan.FromSeconds(n));

    [Fact]
    public void A_write_sent_again_with_its_number_is_answered_and_journaled_once()
    {
        using var sessions = new JournalSessions("journal h on n2");
        var s = sessions.Open(Path, Fingerprint, "n2").Session;
        sessions.Write(s, 1, j => j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f]));
        sessions.Write(s, 1, j => j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f])); // its answer was lost: sent again
        sessions.Write(s, 2, j => j.AppendRound(Round(1)));
        sessions.Write(s, 2, j => j.AppendRound(Round(1)));
        Assert.Single(sessions.Read(s, j => j.TeacherOutputs()));
        Assert.Single(sessions.Read(s, j => j.Rounds()));
    }

    [Fact]
    public void A_write_the_journal_refuses_is_refused_again_when_resent_and_commits_nothing()
    {
        using var sessions = new JournalSessions("journal h on n2");
        var s = sessions.Open(Path, Fingerprint, "n2").Session;
        sessions.Write(s, 1, j => j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f]));
        var first = Assert.Throws<JournalRefusedException>(() => sessions.Write(s, 2, j => j.AppendTeacherOutputs(0, 0, 1, 2, [5f, 6f])));
        var again = Assert.Throws<JournalRefusedException>(() => sessions.Write(s, 2, j => j.AppendTeacherOutputs(0, 0, 1, 2, [5f, 6f])));
        Assert.Equal(first.Message, again.Message);
        Assert.StartsWith("journal h on n2: ", first.Message);
        Assert.Equal([1f, 2f], sessions.Read(s, j => j.TeacherOutputs()).Single().Logits);
    }

    [Fact]
    public void A_newer_coordinator_ends_the_older_session_and_a_skipped_write_number_ends_a_session()
    {
        using var sessions = new JournalSessions("journal h on n2");
        var old = sessions.Open(Path, Fingerprint, "n2");
        sessions.Write(old.Session, 1, j => j.AppendRound(Round(1)));
        var fresh = sessions.Open(Path, Fingerprint, "n2"); // the old coordinator was presumed dead
        Assert.Equal((1, 2), (old.Attempt, fresh.Attempt));
        Assert.True(fresh.Resumed);
        Assert.Throws<JournalSessionLostException>(() => sessions.Write(old.Session, 2, j => j.AppendRound(Round(2))));
        Assert.Throws<JournalSessionLostException>(() => sessions.Read(old.Session, j => j.Rounds()));
        Assert.Single(sessions.Read(fresh.Session, j => j.Rounds()));
        Assert.Throws<JournalSessionLostException>(() => sessions.Write(fresh.Session, 2, j => j.AppendRound(Round(2))));
        Assert.Single(sessions.Read(fresh.Session, j => j.Rounds()));
    }

    [Fact]
    public void A_restarted_node_forgets_its_sessions_and_the_next_attempt_resumes_from_the_file()
    {
        Guid s;
        using (var before = new JournalSessions("journal h on n2"))
        {
            s = before.Open(Path, Fingerprint, "n2").Session;
            before.Write(s, 1, j => j.AppendTeacherOutputs(0, 0, 1, 2, [1f, 2f]));
        }
        using var after = new JournalSessions("journal h on n2");
        Assert.Throws<JournalSessionLostException>(() => after.Write(s, 2, j => j.AppendRound(Round(1))));
        var opening = after.Open(Path, Fingerprint, "n2");
        Assert.Equal(2, opening.Attempt);
        Assert.Single(after.Read(opening.Session, j => j.TeacherOutputs()));
    }

    [Fact]
    public void A_journal_of_another_handover_is_refused_by_name()
    {
        using (var sessions = new JournalSessions("journal h on n2")) sessions.Open(Path, Fingerprint, "n2");
        using var other = new JournalSessions("journal h on n2");
        var e = Assert.Throws<JournalRefusedException>(() => other.Open(Path, new Dictionary<string, string>(Fingerprint) { ["seed"] = "2" }, "n2"));
        Assert.Contains("belongs to a different handover", e.Message);
    }

    [Fact]
    public void A_lost_write_is_resent_with_the_same_number_and_the_next_write_takes_the_next()
    {
        var grain = new Mock<IHandoverJournalGrain>();
        var session = Guid.NewGuid();
        grain.Setup(g => g.Open(It.IsAny<Dictionary<string, string>>())).ReturnsAsync(new JournalOpening(session, "n2", "/j/handover-h.db", 1, false));
        var numbers = new List<long>();
        grain.Setup(g => g.AppendRound(session, It.IsAny<long>(), It.IsAny<HandoverRound>()))
            .Returns((Guid _, long n, HandoverRound _) =>
            {
                numbers.Add(n);
                return numbers.Count == 1 ? Task.FromException(new TimeoutException("answer lost")) : Task.CompletedTask;
            });
        using var journal = RemoteHandoverJournal.Open(Factory(grain.Object), "n2", "h", Fingerprint);
        journal.AppendRound(Round(1));
        journal.AppendRound(Round(2));
        Assert.Equal([1L, 1L, 2L], numbers);
        Assert.Equal("n2:/j/handover-h.db", journal.Path);
    }

    [Fact]
    public void A_journal_node_that_does_not_answer_is_reported_unreachable_not_dead()
    {
        var grain = new Mock<IHandoverJournalGrain>();
        grain.Setup(g => g.Open(It.IsAny<Dictionary<string, string>>())).Returns(Task.FromException<JournalOpening>(new TimeoutException("no answer")));
        var patience = RemoteHandoverJournal.Patience;
        RemoteHandoverJournal.Patience = TimeSpan.FromSeconds(1);
        try
        {
            var e = Assert.Throws<JournalUnreachableException>(() => RemoteHandoverJournal.Open(Factory(grain.Object), "n2", "h", Fingerprint));
            Assert.Contains("kept on node n2", e.Message);
            Assert.Contains("unreachable, not known to be dead", e.Message);
        }
        finally
        {
            RemoteHandoverJournal.Patience = patience;
        }
    }

    private static IGrainFactory Factory(IHandoverJournalGrain grain)
    {
        var factory = new Mock<IGrainFactory>();
        factory.Setup(f => f.GetGrain<IHandoverJournalGrain>(It.IsAny<string>(), It.IsAny<string?>())).Returns(grain);
        return factory.Object;
    }
}

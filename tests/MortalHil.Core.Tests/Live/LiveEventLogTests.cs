using System.Text;
using MortalHil.Core.Live;

namespace MortalHil.Core.Tests.Live;

public sealed class LiveEventLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mortalhil-live-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static BoardHealthEvent Board(string serial, double age) => new() { BoardKind = "sim/reram", Serial = serial, State = "serving", AgeHours = age };

    [Fact]
    public void A_command_that_publishes_nothing_leaves_no_file()
    {
        var log = new LiveEventLog(_dir, "runs", "runs");
        log.Finish(0);
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Checks_of_one_board_between_two_flushes_collapse_to_the_newest_and_transitions_are_all_kept_in_order()
    {
        var log = new LiveEventLog(_dir, "demo", "demo --out x", flushInterval: TimeSpan.FromHours(1));
        for (int i = 0; i < 50; i++) log.Publish(Board("1", i));
        log.Publish(new BoardHealthEvent { BoardKind = "sim/reram", Serial = "1", State = "handover_called", Reason = "r1" });
        log.Publish(Board("2", 7));
        log.Publish(Board("1", 99));
        log.Finish(0);

        var events = new LiveEventLogReader(log.FilePath).ReadNew();
        var boards = events.OfType<BoardHealthEvent>().Select(b => (b.Serial, b.State, b.AgeHours)).ToArray();
        // The run's start, then in publishing order: the transition, board 2, board 1's newest check; then the end.
        Assert.Equal([("1", "handover_called", null), ("2", "serving", 7), ("1", "serving", 99)], boards);
        var runs = events.OfType<RunLifeEvent>().ToArray();
        Assert.Equal(2, runs.Length);
        Assert.Null(runs[0].ExitCode);
        Assert.Equal(0, runs[1].ExitCode);
        Assert.IsType<RunLifeEvent>(events[0]);
    }

    [Fact]
    public void A_reader_takes_only_complete_lines_with_a_matching_checksum()
    {
        var path = Path.Combine(_dir, "x.jsonl");
        var good = LiveEventLine.Encode(Board("1", 1));
        var corrupted = LiveEventLine.Encode(Board("2", 2)).Replace("\"2\"", "\"3\"", StringComparison.Ordinal);
        var half = LiveEventLine.Encode(Board("4", 4));
        File.WriteAllText(path, $"{LiveEventLine.Header}\n{good}\n{corrupted}\n{half[..20]}");
        var reader = new LiveEventLogReader(path);

        var first = reader.ReadNew();
        Assert.Equal(["1"], first.OfType<BoardHealthEvent>().Select(b => b.Serial));
        Assert.Equal(1, reader.RejectedLines);

        // The writer finishes the torn line: the reader now takes it, once.
        File.AppendAllText(path, half[20..] + "\n");
        Assert.Equal(["4"], reader.ReadNew().OfType<BoardHealthEvent>().Select(b => b.Serial));
        Assert.Empty(reader.ReadNew());
    }

    [Fact]
    public void A_file_without_the_header_is_not_read()
    {
        var path = Path.Combine(_dir, "other.jsonl");
        File.WriteAllText(path, LiveEventLine.Encode(Board("1", 1)) + "\n", Encoding.UTF8);
        var reader = new LiveEventLogReader(path);
        Assert.Empty(reader.ReadNew());
        Assert.True(reader.NotALog);
    }

    [Fact]
    public void An_operator_request_is_taken_once_and_names_outside_the_pattern_are_refused()
    {
        var requests = LiveDirectory.Requests(_dir);
        Assert.False(OperatorRequests.TryTake(requests, OperatorRequests.Handover, "sim/reram", "44"));
        OperatorRequests.Write(requests, OperatorRequests.Handover, "sim/reram", "44", "{}");
        Assert.True(OperatorRequests.TryTake(requests, OperatorRequests.Handover, "sim/reram", "44"));
        Assert.False(OperatorRequests.TryTake(requests, OperatorRequests.Handover, "sim/reram", "44"));
        Assert.Throws<ArgumentException>(() => OperatorRequests.Write(requests, OperatorRequests.Handover, "../../etc", "x y", "{}"));
        Assert.Empty(Directory.GetFiles(requests));
    }

    [Fact]
    public void A_scoped_sink_receives_events_of_its_flow_only()
    {
        var mine = new List<LiveEvent>();
        var sink = new ListSink(mine);
        Assert.False(LiveEvents.IsActive);
        using (LiveEvents.Use(sink))
        {
            LiveEvents.Publish(Board("1", 1));
            Parallel.For(0, 4, i => LiveEvents.Publish(Board($"p{i}", i)));
        }
        LiveEvents.Publish(Board("after", 1));
        Assert.Equal(5, mine.Count);
        Assert.DoesNotContain(mine.OfType<BoardHealthEvent>(), b => b.Serial == "after");
    }

    private sealed class ListSink(List<LiveEvent> events) : ILiveEventSink
    {
        public void Publish(LiveEvent e)
        {
            lock (events) events.Add(e);
        }

        public bool TakeHandoverRequest(string boardKind, string serial) => false;
    }
}

using MortalHil.Core.Devices;
using MortalHil.Core.Live;
using MortalHil.Core.Mortality.Health;
using MortalHil.Core.Mortality.Prediction;
using MortalHil.Core.Tests.Mortality.Fakes;

namespace MortalHil.Core.Tests.Live;

public sealed class OperatorHandoverRequestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mortalhil-live-request-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_health_watch_calls_the_handover_an_operator_requested_once_and_publishes_the_check()
    {
        var board = new FakeCrossbar();
        var monitor = new HealthMonitor(board, null, null,
            new HealthMonitorOptions { CensusWindows = [new CrossbarWindow(0, 0, 8, 0, 6)], ProbeWindow = new CrossbarWindow(1, 0, 4, 0, 6) }, new PulseIdSource(1));
        var watch = new HandoverWatch(monitor, new RemainingLifePredictor(), new HandoverPolicy(TimeSpan.FromHours(1), TimeSpan.Zero),
            [new HealthIndicator(HealthSignals.StuckFraction, AgeingDirection.Rising, 0.5)]);
        var log = new LiveEventLog(_dir, "test", "test", flushInterval: TimeSpan.FromHours(1));
        var d = board.Description;
        using (LiveEvents.Use(log))
        {
            Assert.False(watch.Check().Decision.CallHandover); // a healthy new board: nothing to predict from yet
            OperatorRequests.Write(LiveDirectory.Requests(_dir), OperatorRequests.Handover, d.Kind, d.SerialNumber, "{}");
            var asked = watch.Check();
            Assert.True(asked.Decision.CallHandover);
            Assert.Contains("operator", asked.Decision.Reason);
            Assert.False(watch.Check().Decision.CallHandover); // the request was taken, not left to fire again
        }
        log.Finish(0);
        var states = new LiveEventLogReader(log.FilePath).ReadNew().OfType<BoardHealthEvent>().Select(b => b.State).ToArray();
        Assert.Contains("handover_called", states);
        Assert.All(new LiveEventLogReader(log.FilePath).ReadNew().OfType<BoardHealthEvent>(), b => Assert.Equal(d.SerialNumber, b.Serial));
    }
}

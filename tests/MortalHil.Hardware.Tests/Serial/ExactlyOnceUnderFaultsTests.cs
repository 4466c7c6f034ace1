using MortalHil.Core.Devices;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Serial;

public class ExactlyOnceUnderFaultsTests
{
    /// <summary>Runs pulses with fresh ids and reads through a faulty link; returns the fixture's numbers.</summary>
    private static (IdealCrossbarFake Device, IdealCrossbarFake Reference, BoardServerCounters Server, LinkStatistics Link)
        Session(LinkFaults faults, int pulses)
    {
        var device = new IdealCrossbarFake();
        var reference = new IdealCrossbarFake();
        using var f = new VirtualBoardFixture(device, faults);
        var window = new CrossbarWindow(1, 0, 8, 0, 6);
        var rng = new Random(9);
        var ids = new MortalHil.Core.Devices.PulseIdSource(1000);
        for (int k = 0; k < pulses; k++)
        {
            var counts = Enumerable.Range(0, 48).Select(_ => (short)rng.Next(-3, 4)).ToArray();
            var request = new PulseRequest(ids.Next(), 1.5f, 1e-6f);
            var receipt = f.Board.ApplyCellPulses(request, window, counts);
            var expected = reference.ApplyCellPulses(request, window, counts);
            Assert.Equal(expected.PulsesApplied, receipt.PulsesApplied);
            Assert.False(receipt.Duplicate);
            var x = Enumerable.Range(0, 8).Select(_ => (float)(rng.NextDouble() * 0.2)).ToArray();
            var y = new float[6];
            var yRef = new float[6];
            f.Board.Read(window, x, y);
            reference.Read(window, x, yRef);
            Assert.Equal(yRef, y);
        }
        var link = f.Board.ReadHealth().Link;
        return (device, reference, f.Server.Counters, link);
    }

    private static void AssertSameState(IdealCrossbarFake a, IdealCrossbarFake b)
    {
        for (int i = 0; i < 8; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(b.Conductance(1, i, j), a.Conductance(1, i, j));
    }

    [Fact]
    public void Lost_replies_are_answered_from_the_boards_memory_and_pulses_apply_once()
    {
        var (device, reference, server, link) = Session(new LinkFaults { DropRate = 0.25, Seed = 3 }, 40);
        Assert.Equal(40, device.PulseApplications);
        Assert.True(server.Replays > 0, "some requests were executed but their reply was lost, then replayed");
        Assert.True(link.Timeouts > 0 && link.Retries > 0);
        AssertSameState(device, reference);
    }

    [Fact]
    public void Duplicated_frames_in_both_directions_never_apply_a_pulse_twice()
    {
        var (device, reference, server, link) = Session(new LinkFaults { DuplicateRate = 0.4, Seed = 4 }, 40);
        Assert.Equal(40, device.PulseApplications);
        Assert.True(server.Replays > 0);
        AssertSameState(device, reference);
    }

    [Fact]
    public void Corrupted_frames_are_dropped_resent_and_never_executed()
    {
        var (device, reference, server, link) = Session(new LinkFaults { CorruptRate = 0.25, Seed = 5 }, 40);
        Assert.Equal(40, device.PulseApplications);
        Assert.True(server.BadFrames > 0);
        Assert.True(link.CrcErrors > 0);
        AssertSameState(device, reference);
    }

    [Fact]
    public void All_faults_at_once_still_give_exactly_once_pulses_and_exact_reads()
    {
        var (device, reference, _, link) = Session(new LinkFaults { DropRate = 0.1, CorruptRate = 0.1, DuplicateRate = 0.1, Seed = 6 }, 40);
        Assert.Equal(40, device.PulseApplications);
        Assert.True(link.Retries > 0);
        AssertSameState(device, reference);
    }

    [Fact]
    public void A_caller_repeating_a_pulse_request_after_a_failure_gets_the_first_receipt()
    {
        var device = new IdealCrossbarFake();
        using var f = new VirtualBoardFixture(device);
        var window = new CrossbarWindow(0, 0, 2, 0, 2);
        var request = new PulseRequest(77, 1.5f, 1e-6f);
        var first = f.Board.ApplyCellPulses(request, window, [1, 2, 3, 4]);
        // e.g. the caller lost the receipt to an exception and tries again with the same id
        var again = f.Board.ApplyCellPulses(request, window, [1, 2, 3, 4]);
        Assert.Equal(first with { Duplicate = true }, again);
        Assert.Equal(1, device.PulseApplications);
        Assert.Equal(1, f.Server.Counters.DuplicatePulses);
    }
}

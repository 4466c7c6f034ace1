using MortalHil.Core.Devices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Tests.Fakes;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Serial;

public class LostReplyAcrossReconnectTests
{
    /// <summary>
    /// The board applies a pulse frame, then the cable is pulled before the answer leaves. The host
    /// reconnects, re-describes the board (replacing its last-answer memory) and resends: the board
    /// answers from its pulse-id memory, applies nothing, and the caller sees one application,
    /// not a "duplicate" of a request it made once.
    /// </summary>
    [Fact]
    public async Task A_pulse_whose_answer_was_lost_with_the_link_is_applied_once_and_not_reported_as_a_repeat()
    {
        var device = new IdealCrossbarFake();
        var handler = new BoardRequestHandler(device);
        var link = new InMemoryLink();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var board = Task.Factory.StartNew(() =>
        {
            bool cut = false;
            while (!stop.IsCancellationRequested)
            {
                Stream s;
                try { s = link.Accept(stop.Token); } catch (OperationCanceledException) { return; }
                var splitter = new FrameSplitter();
                var buffer = new byte[65536];
                while (true)
                {
                    int n;
                    try { n = s.Read(buffer, 0, buffer.Length); } catch (Exception) { break; }
                    if (n == 0) break;
                    var answers = new List<byte[]>();
                    bool unplug = false;
                    splitter.Feed(buffer.AsSpan(0, n), block =>
                    {
                        bool isPulse = FrameCodec.TryParse(block, out var f, out _) == FrameParseError.None && f!.Header.Command == ProtocolCommand.PulseCells;
                        var answer = handler.Handle(block);
                        if (isPulse && !cut) { cut = true; unplug = true; return; } // applied, answer lost
                        if (answer is not null) answers.Add(answer);
                    });
                    if (unplug) { link.Unplug(); break; }
                    try { foreach (var a in answers) { s.Write(a); s.Flush(); } } catch (Exception) { break; }
                }
            }
        }, TaskCreationOptions.LongRunning);

        using (var serial = new SerialBoard(link, VirtualBoardFixture.Fast))
        {
            var receipt = serial.ApplyCellPulses(new PulseRequest(4242, 1.5f, 1e-6f), new CrossbarWindow(0, 0, 1, 0, 3), [2, -1, 3]);
            Assert.Equal(new PulseReceipt(4242, 6, false), receipt);
            Assert.Equal(1, device.PulseApplications);
            Assert.Equal(1, handler.DuplicatePulses);
            Assert.Equal(1, serial.LinkStatistics.Reconnects);
            // A real repeat by the caller is still reported as one.
            Assert.True(serial.ApplyCellPulses(new PulseRequest(4242, 1.5f, 1e-6f), new CrossbarWindow(0, 0, 1, 0, 3), [2, -1, 3]).Duplicate);
            Assert.Equal(1, device.PulseApplications);
        }
        stop.Cancel();
        link.Unplug();
        await board.WaitAsync(TimeSpan.FromSeconds(5));
    }
}

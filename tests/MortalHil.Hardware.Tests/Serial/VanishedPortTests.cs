using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Virtual;

namespace MortalHil.Hardware.Tests.Serial;

/// <summary>
/// A serial device that vanishes (USB unplugged, pseudo-terminal closed) must never leave the host
/// blocked. System.IO.Ports stops its I/O loop when poll reports POLLERR on the hung-up line; a
/// write issued after that is never taken off its queue, and SerialPort.Close flushes by spinning
/// until that queue is empty, i.e. forever. These tests reproduce exactly that order of events.
/// </summary>
public class VanishedPortTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static PseudoTerminal OpenPty()
    {
        Assert.True(OperatingSystem.IsLinux() && File.Exists("/dev/ptmx"), "these tests need Linux pseudo-terminals (/dev/ptmx)");
        return PseudoTerminal.Open();
    }

    /// <summary>Reads until the stream fails with something other than a read timeout; returns that failure.</summary>
    private static Task<Exception> ReadUntilFailure(Stream stream) => Task.Run(() =>
    {
        var buffer = new byte[64];
        while (true)
        {
            try { if (stream.Read(buffer, 0, buffer.Length) == 0) return (Exception)new EndOfStreamException(); }
            catch (TimeoutException) { }
            catch (Exception e) { return e; }
        }
    });

    [Fact]
    public async Task Closing_a_port_after_a_write_to_the_vanished_line_returns()
    {
        var pty = OpenPty();
        var stream = new SerialPortConnector(pty.SlavePath).Connect();
        var reading = ReadUntilFailure(stream);
        await Task.Delay(200); // a read is pending inside the port's I/O loop
        pty.Dispose();         // the line hangs up: the loop sees POLLERR and stops
        var readFailure = await reading.WaitAsync(Bound);
        Assert.IsNotType<EndOfStreamException>(readFailure);

        // A write after the loop stopped can only fail (time out or report the lost line) ...
        var writing = Task.Run(() => Record.Exception(() => stream.Write([1, 2, 3, 0], 0, 4)));
        var writeFailure = await writing.WaitAsync(Bound);
        Assert.NotNull(writeFailure);

        // ... and closing the port afterwards must return, not spin on the stuck request.
        var closing = Task.Run(stream.Dispose);
        await closing.WaitAsync(Bound);
    }

    [Fact]
    public async Task Flushing_a_port_whose_line_vanished_returns()
    {
        var pty = OpenPty();
        var stream = new SerialPortConnector(pty.SlavePath).Connect();
        var reading = ReadUntilFailure(stream);
        await Task.Delay(200);
        pty.Dispose();
        await reading.WaitAsync(Bound);
        await Task.Run(() => Record.Exception(() => stream.Write([1, 2, 3, 0], 0, 4))).WaitAsync(Bound);
        await Task.Run(() => Record.Exception(stream.Flush)).WaitAsync(Bound);
        await Task.Run(stream.Dispose).WaitAsync(Bound);
    }
}

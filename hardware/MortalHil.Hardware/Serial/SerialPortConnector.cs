using System.IO.Ports;

namespace MortalHil.Hardware.Serial;

/// <summary>
/// Opens a serial port (8 data bits, no parity, 1 stop bit, no flow control) with System.IO.Ports.
/// DTR and RTS stay off: a Linux pseudo-terminal refuses the modem-control ioctls, and a real board
/// must not depend on them (PROTOCOL.md §1).
/// </summary>
public sealed class SerialPortConnector(string portName, int baudRate = SerialPortConnector.DefaultBaudRate) : ILinkConnector
{
    /// <summary>921,600 baud, as the ArC ONE memristor instrument uses (arc1_pyqt).</summary>
    public const int DefaultBaudRate = 921_600;

    /// <inheritdoc/>
    public string Name => portName;

    /// <summary>Baud rate set on the port (ignored by pseudo-terminals and USB CDC-ACM links).</summary>
    public int BaudRate => baudRate;

    /// <inheritdoc/>
    public Stream Connect()
    {
        if (!File.Exists(portName) && OperatingSystem.IsLinux())
            throw new IOException($"serial port {portName} does not exist");
        var port = new SerialPort(portName, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            DtrEnable = false,
            RtsEnable = false,
            ReadTimeout = 100,
            WriteTimeout = 2000,
            ReadBufferSize = 1 << 20,
            WriteBufferSize = 1 << 20,
        };
        try
        {
            port.Open();
            port.DiscardInBuffer();
            return new SerialPortStream(port);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The port's stream, owning the port so disposing the stream closes it. It never calls
    /// System.IO.Ports' own Flush or SerialPort.Close: on Unix both spin until the port's write
    /// queue is empty, and once the port's I/O loop has stopped on a vanished device (poll reports
    /// POLLERR when a USB adapter is unplugged or a pseudo-terminal closes) a write that timed out
    /// stays on that queue for ever, so they never return (tests/.../VanishedPortTests).
    /// </summary>
    private sealed class SerialPortStream(SerialPort port) : Stream
    {
        private readonly Stream _inner = port.BaseStream;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        /// <summary>
        /// Nothing to do: a completed <see cref="Write(byte[], int, int)"/> means the kernel holds the
        /// bytes and sends them on its own; the protocol waits for answers, not for the line to drain.
        /// </summary>
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // Closing the inner stream first stops its I/O loop (it polls with a 1 ms timeout on
                // a non-blocking descriptor), fails what is still queued and closes the descriptor;
                // the port then counts as closed and its Dispose skips the flush that could spin.
                try { _inner.Dispose(); } catch (IOException) { } // the device may already be gone
                port.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

using System.Runtime.InteropServices;
using System.Text;
using static MortalHil.Hardware.Virtual.PseudoTerminalNative;

namespace MortalHil.Hardware.Virtual;

/// <summary>
/// A Linux pseudo-terminal pair made with openpty(3): the host opens <see cref="SlavePath"/> as a
/// serial port, the virtual board reads and writes <see cref="Master"/>. The line is put in raw
/// mode (no echo, no line editing), and this object keeps its own slave descriptor open so the
/// master never sees end-of-file while the host closes and reopens the port.
/// </summary>
public sealed unsafe class PseudoTerminal : IDisposable
{
    private readonly int _master;
    private readonly int _slave;
    private readonly MasterStream _stream;
    private int _disposed;

    private PseudoTerminal(int master, int slave, string slavePath, string? linkPath)
    {
        _master = master;
        _slave = slave;
        SlavePath = slavePath;
        LinkPath = linkPath;
        _stream = new MasterStream(this);
    }

    /// <summary>The device path the host opens, e.g. /dev/pts/3.</summary>
    public string SlavePath { get; }

    /// <summary>A symbolic link to <see cref="SlavePath"/> made at open, removed at dispose (a stable name across restarts).</summary>
    public string? LinkPath { get; }

    /// <summary>The path to hand the host: <see cref="LinkPath"/> if there is one, else <see cref="SlavePath"/>.</summary>
    public string PortPath => LinkPath ?? SlavePath;

    /// <summary>The board's end of the line. Reads block until data arrives or the terminal is disposed (then 0).</summary>
    public Stream Master => _stream;

    /// <summary>Bytes dropped because nobody read the line for a second while the board was answering.</summary>
    public long DroppedBytes { get; private set; }

    /// <summary>
    /// Answers thrown away (whole, or cut short) because nobody read the line for a second: the
    /// unread frames waiting in the line plus the one being written. Reported as the board's
    /// AnswersDropped link counter (HEALTH), so a host can see what it missed.
    /// </summary>
    public long DroppedAnswers { get; private set; }

    /// <summary>Opens a pseudo-terminal; with <paramref name="linkPath"/>, also a symbolic link to it (replacing an old link, never a file).</summary>
    public static PseudoTerminal Open(string? linkPath = null)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("pseudo-terminals are opened with Linux openpty(3)");
        int master, slave, rc;
        try { rc = openpty(out master, out slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero); }
        catch (EntryPointNotFoundException) { rc = openpty_libutil(out master, out slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero); }
        if (rc != 0) throw new IOException($"openpty failed (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            byte* name = stackalloc byte[256];
            if (ptsname_r(master, name, 256) != 0) throw new IOException($"ptsname_r failed (errno {Marshal.GetLastPInvokeError()})");
            var raw = new ReadOnlySpan<byte>(name, 256);
            string path = Encoding.UTF8.GetString(raw[..Math.Max(0, raw.IndexOf((byte)0))]);
            byte* termios = stackalloc byte[TermiosBytes];
            if (tcgetattr(slave, termios) != 0) throw new IOException($"tcgetattr failed (errno {Marshal.GetLastPInvokeError()})");
            cfmakeraw(termios);
            if (tcsetattr(slave, TCSANOW, termios) != 0) throw new IOException($"tcsetattr failed (errno {Marshal.GetLastPInvokeError()})");
            int flags = fcntl(master, F_GETFL, 0);
            if (flags < 0 || fcntl(master, F_SETFL, flags | O_NONBLOCK) < 0) throw new IOException("cannot make the pty master non-blocking");
            // Our own slave descriptor is only read to drain a stalled line (DrainUnread); non-blocking,
            // so the host reading the same bytes first can never leave that read waiting forever.
            int slaveFlags = fcntl(slave, F_GETFL, 0);
            if (slaveFlags < 0 || fcntl(slave, F_SETFL, slaveFlags | O_NONBLOCK) < 0) throw new IOException("cannot make the pty slave non-blocking");
            if (linkPath is not null) MakeLink(linkPath, path);
            return new PseudoTerminal(master, slave, path, linkPath);
        }
        catch
        {
            close(master);
            close(slave);
            throw;
        }
    }

    /// <summary>True if this machine can open a pseudo-terminal (tests skip only when it cannot).</summary>
    public static bool TryOpen(out PseudoTerminal? terminal, out string? why)
    {
        try
        {
            terminal = Open();
            why = null;
            return true;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or DllNotFoundException or EntryPointNotFoundException)
        {
            terminal = null;
            why = e.Message;
            return false;
        }
    }

    private static void MakeLink(string linkPath, string target)
    {
        var info = new FileInfo(linkPath);
        if (info.LinkTarget is not null) info.Delete();
        else if (info.Exists) throw new IOException($"{linkPath} exists and is not a symbolic link; refusing to replace it");
        File.CreateSymbolicLink(linkPath, target);
    }

    private int ReadSome(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            while (Volatile.Read(ref _disposed) == 0)
            {
                var pfd = new PollFd { Fd = _master, Events = POLLIN };
                int ready = poll(&pfd, 1, 100);
                if (ready < 0)
                {
                    int e = Marshal.GetLastPInvokeError();
                    if (e == EINTR) continue;
                    throw new IOException($"poll on the pty master failed (errno {e})");
                }
                if (ready == 0) continue;
                nint n = read(_master, p, (nuint)buffer.Length);
                if (n > 0) return (int)n;
                int err = Marshal.GetLastPInvokeError();
                if (n < 0 && (err == EAGAIN || err == EINTR)) continue;
                // EIO: no slave open at the moment (cannot happen while we hold ours, but be patient).
                if (n < 0 && err == EIO) { Thread.Sleep(20); continue; }
                if (n == 0) { Thread.Sleep(20); continue; }
                throw new IOException($"read from the pty master failed (errno {err})");
            }
            return 0;
        }
    }

    private void WriteAll(ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int written = 0;
            long stalledSince = 0;
            while (written < data.Length)
            {
                if (Volatile.Read(ref _disposed) != 0) throw new ObjectDisposedException(nameof(PseudoTerminal));
                nint n = write(_master, p + written, (nuint)(data.Length - written));
                if (n > 0)
                {
                    written += (int)n;
                    stalledSince = 0;
                    continue;
                }
                int err = Marshal.GetLastPInvokeError();
                if (n < 0 && err != EAGAIN && err != EINTR) throw new IOException($"write to the pty master failed (errno {err})");
                // The line is full: nobody is reading the port. After a second, throw away what
                // waits unread and the rest of this frame, as a board does when its host is gone
                // (the host resends when it comes back).
                long now = Environment.TickCount64;
                if (stalledSince == 0) stalledSince = now;
                else if (now - stalledSince > 1000)
                {
                    var unread = DrainUnread();
                    DroppedBytes += unread.Length + data.Length - written;
                    DroppedAnswers += CountBlocks(unread, data[written..]);
                    return;
                }
                var pfd = new PollFd { Fd = _master, Events = POLLOUT };
                poll(&pfd, 1, 50);
            }
        }
    }

    /// <summary>Reads (through this object's own slave descriptor) and returns what waits unread on the host's side of the line.</summary>
    private byte[] DrainUnread()
    {
        int pending = 0;
        if (ioctl(_slave, FIONREAD, &pending) != 0 || pending <= 0)
        {
            tcflush(_slave, TCIFLUSH);
            return [];
        }
        var unread = new byte[pending];
        int got = 0;
        fixed (byte* p = unread)
            while (got < pending)
            {
                nint n = read(_slave, p + got, (nuint)(pending - got));
                if (n <= 0) break;
                got += (int)n;
            }
        tcflush(_slave, TCIFLUSH);
        return unread.AsSpan(0, got).ToArray();
    }

    /// <summary>Frames (runs of non-zero bytes) in the unread bytes followed by the unsent rest of the current frame.</summary>
    internal static int CountBlocks(ReadOnlySpan<byte> unread, ReadOnlySpan<byte> unsent)
    {
        int blocks = 0;
        bool inBlock = false;
        foreach (var part in new[] { unread.ToArray(), unsent.ToArray() })
            foreach (byte b in part)
            {
                if (b != 0 && !inBlock) blocks++;
                inBlock = b != 0;
            }
        return blocks;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Thread.Sleep(120); // let a reader blocked in poll notice before its descriptor closes
        close(_master);
        close(_slave);
        if (LinkPath is not null)
        {
            try
            {
                var info = new FileInfo(LinkPath);
                if (info.LinkTarget == SlavePath) info.Delete();
            }
            catch (IOException) { }
        }
    }

    private sealed class MasterStream(PseudoTerminal pty) : Stream, IDroppedAnswerCounter
    {
        public long DroppedAnswers => pty.DroppedAnswers;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => pty.ReadSome(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer) => pty.ReadSome(buffer);
        public override void Write(byte[] buffer, int offset, int count) => pty.WriteAll(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer) => pty.WriteAll(buffer);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) pty.Dispose();
            base.Dispose(disposing);
        }
    }
}

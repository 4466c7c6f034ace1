using System.Runtime.InteropServices;

namespace MortalHil.Hardware.Virtual;

/// <summary>The few libc calls a pseudo-terminal needs (Linux, glibc; openpty moved into libc in glibc 2.34).</summary>
internal static unsafe partial class PseudoTerminalNative
{
    /// <summary>glibc's soname: "libc" alone may resolve to the libc.so linker script, which cannot be loaded.</summary>
    private const string Libc = "libc.so.6";

    public const int EINTR = 4, EIO = 5, EAGAIN = 11;
    public const short POLLIN = 0x001, POLLOUT = 0x004, POLLERR = 0x008, POLLHUP = 0x010;
    public const int F_GETFL = 3, F_SETFL = 4, O_NONBLOCK = 0x800;
    public const int TCSANOW = 0, TCIFLUSH = 0;
    /// <summary>ioctl request: bytes waiting to be read (asm-generic/ioctls.h).</summary>
    public const nuint FIONREAD = 0x541B;
    /// <summary>Bytes reserved for a struct termios (60 on Linux; generous for safety).</summary>
    public const int TermiosBytes = 256;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int openpty(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr window);

    [LibraryImport("libutil.so.1", EntryPoint = "openpty", SetLastError = true)]
    public static partial int openpty_libutil(out int master, out int slave, IntPtr name, IntPtr termios, IntPtr window);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int ptsname_r(int fd, byte* buffer, nuint length);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int tcgetattr(int fd, byte* termios);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int tcsetattr(int fd, int actions, byte* termios);

    [LibraryImport(Libc)]
    public static partial void cfmakeraw(byte* termios);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int tcflush(int fd, int queue);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Libc, SetLastError = true)]
    public static partial int ioctl(int fd, nuint request, int* argument);
}

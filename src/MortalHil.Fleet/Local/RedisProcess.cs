using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MortalHil.Fleet.Local;

/// <summary>
/// A throw-away <c>redis-server</c> on a free loopback port, with no persistence: for tests and for
/// <c>stress bench</c>'s silo runs on one machine. Fails with a clear message when Debian's <c>redis-server</c>
/// is not installed.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private Process _process;
    private readonly string? _dataFolder;

    private RedisProcess(Process process, int port, string? dataFolder)
    {
        _process = process;
        Port = port;
        _dataFolder = dataFolder;
    }

    public int Port { get; }
    public string ConnectionString => $"127.0.0.1:{Port}";
    public int ProcessId => _process.Id;

    /// <summary>The redis-server executable on PATH, or null.</summary>
    public static string? FindServer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/sbin"))
        {
            string p = Path.Combine(dir, "redis-server");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <param name="port">Port to listen on (default: a free one).</param>
    /// <param name="dataFolder">Keep data in an append-only file there, fsynced on every write, so a restarted server has it
    /// back; null: nothing kept.</param>
    public static RedisProcess Start(int? port = null, string? dataFolder = null)
    {
        string server = FindServer() ?? throw new InvalidOperationException(
            "redis-server is not installed (Debian: apt-get install redis-server); the fleet keeps its membership and state in Redis");
        int p = port ?? FreePort();
        if (dataFolder is not null) Directory.CreateDirectory(dataFolder);
        return new RedisProcess(Launch(server, p, dataFolder), p, dataFolder);
    }

    /// <summary>Kills the server (SIGKILL) and starts it again on the same port after <paramref name="downFor"/>: a Redis that
    /// crashed and came back (with its data if it was started with a data folder, else empty).</summary>
    public void Restart(TimeSpan downFor)
    {
        Kill();
        Thread.Sleep(downFor);
        _process = Launch(FindServer()!, Port, _dataFolder);
    }

    /// <summary>Starts the server again on the same port after <see cref="Kill"/> (with its data if it has a data folder).</summary>
    public void StartAgain()
    {
        if (!_process.HasExited) throw new InvalidOperationException("redis-server is still running");
        _process.Dispose();
        _process = Launch(FindServer()!, Port, _dataFolder);
    }

    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static Process Launch(string server, int port, string? dataFolder)
    {
        var psi = new ProcessStartInfo(server)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] persistence = dataFolder is null ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", "always", "--dir", dataFolder];
        foreach (var a in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--daemonize", "no" }.Concat(persistence))
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"redis-server exited with code {process.ExitCode} on port {port}");
            if (Ping(port)) return process;
            Thread.Sleep(50);
        }
        process.Kill();
        throw new TimeoutException($"redis-server did not answer PING on port {port} within 15 s");
    }

    private static bool Ping(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            var s = c.GetStream();
            s.Write("PING\r\n"u8);
            var buf = new byte[16];
            s.ReadTimeout = 1000;
            int n = s.Read(buf);
            return Encoding.ASCII.GetString(buf, 0, n).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

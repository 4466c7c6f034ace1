using System.Diagnostics;

namespace MortalHil.Host.Tests;

/// <summary>
/// <c>mortalhil sim serve --pty</c> as a user runs it: a separate process whose first stdout line is the
/// pseudo-terminal to open. <see cref="Stop"/> closes its input, which is how a user stops it; disposing kills
/// it if it is still running.
/// </summary>
internal sealed class ServedSim : IDisposable
{
    private readonly Process _process;

    private ServedSim(Process process, string port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The pseudo-terminal the server printed first.</summary>
    public string Port { get; }

    public static ServedSim Start(string board, params string[] extra)
    {
        PseudoTerminals.Require();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "mortalhil.dll"), "sim", "serve", "--board", board, "--pty", "--max-seconds", "120" }.Concat(extra))
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        try
        {
            var line = process.StandardOutput.ReadLineAsync();
            Assert.True(line.Wait(TimeSpan.FromSeconds(30)), "no first line within 30 s");
            Assert.NotNull(line.Result);
            return new ServedSim(process, line.Result!);
        }
        catch
        {
            Kill(process);
            throw;
        }
    }

    /// <summary>Closes the server's input and waits for it to exit; returns its exit code.</summary>
    public int Stop()
    {
        _process.StandardInput.Close();
        Assert.True(_process.WaitForExit(10_000), "server did not stop after its input closed");
        return _process.ExitCode;
    }

    public void Dispose()
    {
        Kill(_process);
        _process.Dispose();
    }

    private static void Kill(Process p)
    {
        if (!p.HasExited) p.Kill(entireProcessTree: true);
    }
}

using System.Diagnostics;

namespace MortalHil.Tests.Firmware;

/// <summary>
/// The host build of the reference firmware, serving on a pseudo-terminal: started per test, stopped
/// (SIGTERM, then kill) at dispose. Its first line of output is the port to open.
/// </summary>
internal sealed class FirmwareHostProcess : IDisposable
{
    private readonly Process _process;

    private FirmwareHostProcess(Process process, string portPath)
    {
        _process = process;
        PortPath = portPath;
    }

    /// <summary>The pseudo-terminal a <c>SerialBoard</c> opens.</summary>
    public string PortPath { get; }

    /// <summary>What the firmware printed on standard error (its counters when it stops).</summary>
    public string StandardError { get; private set; } = "";

    /// <summary>Starts <paramref name="executable"/> (default: the default-size host build) with <c>--serial</c> <paramref name="serial"/>.</summary>
    public static FirmwareHostProcess Start(string? serial = null, string? executable = null)
    {
        var psi = new ProcessStartInfo(executable ?? FirmwareBuild.HostExecutable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closing it also stops the firmware
        };
        if (serial is not null) { psi.ArgumentList.Add("--serial"); psi.ArgumentList.Add(serial); }
        var process = Process.Start(psi)!;
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(10)) || string.IsNullOrEmpty(line.Result))
        {
            process.Kill();
            Assert.Fail("the firmware host build did not print its port: " + process.StandardError.ReadToEnd());
        }
        return new FirmwareHostProcess(process, line.Result!);
    }

    /// <summary>Stops the firmware (end of its standard input) and returns its exit code.</summary>
    public int Stop()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5))) _process.Kill();
        }
        _process.WaitForExit();
        StandardError = _process.StandardError.ReadToEnd();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try { Stop(); }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

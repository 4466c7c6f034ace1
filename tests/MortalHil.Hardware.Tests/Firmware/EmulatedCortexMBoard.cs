using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MortalHil.Hardware.Tests.Firmware;

/// <summary>
/// The Cortex-M3 build of the reference firmware running on QEMU's model of an ARM MPS2 AN385 board,
/// its UART0 on a pseudo-terminal: the host drives it exactly as it would a microcontroller on a
/// USB-serial adapter. Started per test, killed at dispose.
/// </summary>
internal sealed partial class EmulatedCortexMBoard : IDisposable
{
    private readonly Process _qemu;

    private EmulatedCortexMBoard(Process qemu, string portPath)
    {
        _qemu = qemu;
        PortPath = portPath;
    }

    /// <summary>The pseudo-terminal QEMU connected the board's UART0 to.</summary>
    public string PortPath { get; }

    [GeneratedRegex(@"redirected to (/dev/pts/\d+)")]
    private static partial Regex PtyLine();

    public static EmulatedCortexMBoard Start()
    {
        string elf = FirmwareBuild.CortexMElf;
        FirmwareBuild.Require("qemu-system-arm", "qemu-system-arm");
        var psi = new ProcessStartInfo("qemu-system-arm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in new[] { "-M", "mps2-an385", "-nographic", "-monitor", "none", "-serial", "pty", "-kernel", elf })
            psi.ArgumentList.Add(a);
        var qemu = Process.Start(psi)!;
        var line = qemu.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(15)) || line.Result is null || !PtyLine().IsMatch(line.Result))
        {
            try { qemu.Kill(); } catch (InvalidOperationException) { }
            Assert.Fail("qemu-system-arm did not report its pseudo-terminal: " + line.Result + qemu.StandardError.ReadToEnd());
        }
        return new EmulatedCortexMBoard(qemu, PtyLine().Match(line.Result!).Groups[1].Value);
    }

    public void Dispose()
    {
        try
        {
            if (!_qemu.HasExited) _qemu.Kill();
            _qemu.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
        _qemu.Dispose();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MortalHil.Host.Tests;

/// <summary>
/// SIGTERM/SIGINT sent to a real <c>mortalhil characterize</c> process driving the SPI chip emulators
/// (<c>spi-dry:</c>): the process stops with its documented code, and the last bytes it sent leave the
/// board safe: every row DAC channel at the 0 V code, the pulse amplitude at code 0, the fire,
/// polarity and every selection line low.
/// </summary>
public class SafeStopTests
{
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private const int SigInt = 2, SigTerm = 15;

    internal static string RepoFile(params string[] parts)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MortalHil.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine([dir!.FullName, .. parts]);
    }

    private static string ExampleProfile => RepoFile("hardware", "MortalHil.Hardware", "Spi", "Profile", "Examples", "pi-hat-8x4.json");

    // Moments: during the conductance map (measurement), in the stuck-cell census (pulsing), in the sweeps.
    [Theory]
    [InlineData(SigTerm, 300, 143)]
    [InlineData(SigTerm, 5_000, 143)]
    [InlineData(SigInt, 3_000, 130)]
    public void A_signal_at_any_moment_stops_the_command_and_its_last_bytes_leave_the_board_safe(int signal, int afterTraceLines, int expectedCode)
    {
        Assert.True(OperatingSystem.IsLinux(), "POSIX signals are needed");
        var dir = Directory.CreateTempSubdirectory("mh-stop-");
        try
        {
            string trace = Path.Combine(dir.FullName, "trace.txt");
            // SIGINT back to its default first: a test run started in the background by a non-interactive shell (as CI
            // scripts do) inherits SIGINT ignored, and a process that starts with SIGINT ignored keeps ignoring it (.NET
            // then installs no handler). env execs dotnet, so the pid signalled is the command's.
            var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("--default-signal=INT");
            psi.ArgumentList.Add("dotnet");
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "mortalhil.dll"), "characterize", "--board", "spi-dry:" + ExampleProfile, "--out", Path.Combine(dir.FullName, "out") })
                psi.ArgumentList.Add(a);
            psi.Environment["MORTALHIL_SPI_TRACE"] = trace;
            // The run holds at that line, inside a board operation, until the signal has been sent: on a loaded machine a
            // test polling the trace could otherwise see the line only after the command had finished its board work.
            psi.Environment["MORTALHIL_SPI_TRACE_HOLD"] = afterTraceLines.ToString(CultureInfo.InvariantCulture);
            psi.Environment["MORTALHIL_STOP_GRACE_SECONDS"] = "60"; // the stop must come from the command unwinding, not the watchdog
            using var p = Process.Start(psi)!;
            var errors = new System.Text.StringBuilder();
            p.ErrorDataReceived += (_, e) => { lock (errors) errors.AppendLine(e.Data); };
            p.OutputDataReceived += (_, _) => { };
            p.BeginErrorReadLine();
            p.BeginOutputReadLine();
            try
            {
                var wait = Stopwatch.StartNew();
                while (!File.Exists(trace + ".held"))
                {
                    Assert.False(p.HasExited, $"characterize ended before {afterTraceLines} trace lines: {errors}");
                    Assert.True(wait.Elapsed < TimeSpan.FromSeconds(90), $"the trace did not reach line {afterTraceLines}");
                    Thread.Sleep(5);
                }
                Assert.True(LineCount(trace) >= afterTraceLines, "held before its line");
                int sent = kill(p.Id, signal), errno = sent == 0 ? 0 : Marshal.GetLastPInvokeError();
                // Released once the signal is seen (its message), so the operation in progress goes on with the stop requested.
                var seen = Stopwatch.StartNew();
                while (sent == 0 && !ErrorsContain(errors, "stopping after the current board operation") && seen.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(5);
                File.WriteAllText(trace + ".release", "");
                if (sent != 0)
                {
                    p.WaitForExit(5000);
                    Assert.Fail($"kill {p.Id} failed: errno {errno}; exited {p.HasExited}; trace lines {LineCount(trace)}; stderr: {errors}");
                }
                Assert.True(p.WaitForExit(50_000), "process did not stop within 50 s of the signal"); // the operation in progress finishes first; on a loaded 2-core machine one took over 20 s
            }
            finally
            {
                if (!p.HasExited) p.Kill(true);
            }
            Assert.Equal(expectedCode, p.ExitCode);
            p.WaitForExit(); // drains the redirected streams
            string err;
            lock (errors) err = errors.ToString();
            Assert.Contains("stopped by " + (signal == SigInt ? "SIGINT" : "SIGTERM"), err);
            Assert.DoesNotContain("left safe\n", err.Replace("boards left safe (", "")); // not the watchdog's forced stop
            Assert.False(File.Exists(Path.Combine(dir.FullName, "out", "characterize.json")), "no result file for a stopped run");
            AssertSafe(File.ReadAllLines(trace));
        }
        finally { dir.Delete(true); }
    }

    private static bool ErrorsContain(System.Text.StringBuilder errors, string text)
    {
        lock (errors) return errors.ToString().Contains(text, StringComparison.Ordinal);
    }

    private static int LineCount(string path)
    {
        if (!File.Exists(path)) return 0;
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        int n = 0, b;
        var buf = new byte[1 << 16];
        while ((b = s.Read(buf)) > 0) n += buf.AsSpan(0, b).Count((byte)'\n');
        return n;
    }

    /// <summary>Replays the trace's DAC8568 words and GPIO writes and checks the state they leave.</summary>
    private static void AssertSafe(string[] lines)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ExampleProfile), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        var dacs = root.GetProperty("dacs").EnumerateArray().Select(d => $"{d.GetProperty("bus").GetInt32()}.{d.GetProperty("chipSelect").GetInt32()}").ToList();
        var codes = new Dictionary<(string Chip, int Channel), int>();
        var levels = new Dictionary<int, int>();
        foreach (var line in lines)
        {
            var f = line.Split(' ');
            if (f[0] == "gpio") levels[int.Parse(f[1], CultureInfo.InvariantCulture)] = int.Parse(f[2], CultureInfo.InvariantCulture);
            else if (f[0] == "spi" && dacs.Contains(f[1]) && f[3].Length == 8)
            {
                uint w = uint.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                int command = (int)(w >> 24) & 0xF, address = (int)(w >> 20) & 0xF, data = (int)(w >> 4) & 0xFFFF;
                if (command == 0b0111) foreach (var k in codes.Keys.Where(k => k.Chip == f[1]).ToList()) codes[k] = 0;
                if (command == 0b0011) codes[(f[1], address)] = data;
            }
        }
        // rows: 0 V = the row driver's offset (2.5 V of a 2 x 2.5 V span: code 32768)
        double offset = root.GetProperty("rowDriver").GetProperty("offsetVolts").GetDouble();
        foreach (var ch in root.GetProperty("rowChannels").EnumerateArray())
        {
            var dac = root.GetProperty("dacs")[ch.GetProperty("chip").GetInt32()];
            int zero = (int)Math.Round(offset / (2 * dac.GetProperty("referenceVolts").GetDouble() / 65536));
            Assert.Equal(zero, codes[(dacs[ch.GetProperty("chip").GetInt32()], ch.GetProperty("channel").GetInt32())]);
        }
        var pulse = root.GetProperty("pulse");
        var amp = pulse.GetProperty("amplitudeChannel");
        Assert.Equal(0, codes[(dacs[amp.GetProperty("chip").GetInt32()], amp.GetProperty("channel").GetInt32())]);
        var sel = root.GetProperty("selection");
        var pins = new[] { pulse.GetProperty("firePin").GetInt32(), pulse.GetProperty("polarityPin").GetInt32() }
            .Concat(sel.GetProperty("rowPins").EnumerateArray().Select(e => e.GetInt32()))
            .Concat(sel.GetProperty("columnPins").EnumerateArray().Select(e => e.GetInt32()));
        foreach (var pin in pins) Assert.Equal(0, levels.GetValueOrDefault(pin));
    }
}

using System.Diagnostics;

namespace MortalHil.PiEmulation.Tests;

/// <summary>What a finished command printed and returned.</summary>
public sealed record HostRun(int ExitCode, string Out, string Err, TimeSpan Wall)
{
    public override string ToString() => $"exit {ExitCode} after {Wall.TotalSeconds:F1} s\nstdout: {Out}\nstderr: {Err}";
}

/// <summary>
/// One way of starting the <c>mortalhil</c> host: the linux-arm64 publish under qemu-user, or the x86-64 build
/// beside these tests. Every run is bounded; one that overruns is killed and fails the test.
/// </summary>
public sealed class HostProcess(string description, string fileName, IReadOnlyList<string> prefix, IReadOnlyDictionary<string, string> environment)
{
    public string Description => description;

    public ProcessStartInfo StartInfo(IEnumerable<string> args, bool redirectInput = false)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = redirectInput, UseShellExecute = false,
        };
        foreach (var a in prefix.Concat(args)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        return psi;
    }

    /// <summary>Runs the host with <paramref name="args"/> to its end, within <paramref name="limit"/>.</summary>
    public HostRun Run(TimeSpan limit, params string[] args)
    {
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(StartInfo(args))!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{description} {string.Join(' ', args)} did not finish within {limit.TotalSeconds:F0} s");
        }
        p.WaitForExit();
        return new HostRun(p.ExitCode, output.Result, errors.Result, clock.Elapsed);
    }

    /// <summary>Starts the host with <paramref name="args"/> and leaves it running (stdin redirected so it can be told to stop).</summary>
    public Process Start(params string[] args) => Process.Start(StartInfo(args, redirectInput: true))!;
}

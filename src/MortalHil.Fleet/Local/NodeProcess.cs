using System.Diagnostics;
using System.Text;

namespace MortalHil.Fleet.Local;

/// <summary>
/// A <c>mortalhil node</c> running as its own process on this machine (optionally pinned to one core with
/// <c>taskset</c>): how tests kill a silo with SIGKILL, and how <c>stress bench</c> measures 1, 2, 3 silos.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private NodeProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;
    /// <summary>Everything the node printed (stdout and stderr).</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    /// <summary>Processor time the node used so far (all threads).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            try { _process.Refresh(); return _process.TotalProcessorTime; }
            catch (InvalidOperationException) { return TimeSpan.Zero; }
        }
    }

    /// <summary>
    /// Starts <c>COMMAND... node NODEFILE --cluster CONN --cluster-id ID [--fast-failover]</c> and waits until it says it joined.
    /// </summary>
    /// <remarks><paramref name="command"/> is how to run mortalhil, e.g. [dotnet, /path/mortalhil.dll]; <paramref name="pinToCore"/> runs it under <c>taskset -c CORE</c>.</remarks>
    public static NodeProcess Start(IReadOnlyList<string> command, string name, string nodeFile, string cluster, string clusterId, bool fastFailover,
        int? pinToCore = null, TimeSpan? joinTimeout = null)
    {
        var args = new List<string>();
        if (pinToCore is int core)
        {
            args.AddRange(["-c", core.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }
        args.AddRange(command);
        args.AddRange(["node", nodeFile, "--cluster", cluster, "--cluster-id", clusterId]);
        if (fastFailover) args.Add("--fast-failover");
        var psi = new ProcessStartInfo(pinToCore is null ? args[0] : "taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in pinToCore is null ? args.Skip(1) : args) psi.ArgumentList.Add(a);
        // A node compiles each method once, optimised: with tiered compilation a fresh silo spends a third of its processor
        // time re-compiling while it runs lineages (docs/results/stress-scaling/README.md). A setting of the caller's wins.
        if (Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") is null) psi.Environment["DOTNET_TieredCompilation"] = "0";
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"node {name} did not start");
        var node = new NodeProcess(process, name);
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (node._log) node._log.AppendLine(e.Data);
            if (e.Data.StartsWith($"node {name} joined", StringComparison.Ordinal)) joined.TrySetResult();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (node._log) node._log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timeout = joinTimeout ?? TimeSpan.FromSeconds(90);
        var deadline = DateTime.UtcNow + timeout;
        while (!joined.Task.IsCompleted)
        {
            if (process.HasExited && !joined.Task.IsCompleted)
            {
                Thread.Sleep(200); // let the last lines arrive
                throw new InvalidOperationException($"node {name} exited with code {process.ExitCode} before joining: {node.Log}");
            }
            if (DateTime.UtcNow > deadline)
            {
                node.Kill();
                throw new TimeoutException($"node {name} did not join within {timeout.TotalSeconds:F0} s: {node.Log}");
            }
            joined.Task.Wait(200);
        }
        return node;
    }

    /// <summary>SIGKILL: the silo vanishes without leaving the cluster.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
    }

    /// <summary>SIGTERM, then SIGKILL if it has not left within <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process.HasExited) return;
        _ = Posix.Kill(_process.Id, Posix.Sigterm);
        if (!_process.WaitForExit(grace)) Kill();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private static class Posix
    {
        public const int Sigterm = 15;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}

using System.Runtime.InteropServices;

namespace MortalHil.Host.Stopping;

/// <summary>
/// Safe stops on SIGINT and SIGTERM for every command (installed once by the CLI runner).
/// <list type="number">
/// <item>The first signal is recorded and the process is not terminated at once. Every board opened
/// through <see cref="Guard"/> refuses its next operation with <see cref="StopRequestedException"/>
/// (the operation in progress finishes), so the command unwinds; disposing a guarded board puts it in
/// its safe state (rows 0 V, pulse path off, selects released). The runner then exits with
/// <see cref="ExitCodeFor"/> (130 for SIGINT, 143 for SIGTERM: 128 + signal number, the shell's convention).</item>
/// <item>If the command has not finished within the grace period (it may be computing, not touching a board),
/// or on a second signal, the stop is forced: each guarded board is put in its safe state between two
/// operations (its lock is taken, so never mid-operation) and the process exits with the same code.</item>
/// <item>With no guarded board open (simulated boards only) there is nothing physical to make safe: the
/// process exits at once with the same code. Run stores and handover journals commit each step in one
/// transaction, so an exit between steps loses nothing already recorded.</item>
/// </list>
/// </summary>
public static class SafeStop
{
    private static readonly object Gate = new();
    private static readonly List<StopGuardedDevice> Open = [];
    private static volatile string? _signal;
    private static int _signals;
    private static int _commandHandlesSignals;

    /// <summary>The grace period before a stop is forced (default 10 s; <c>MORTALHIL_STOP_GRACE_SECONDS</c>).</summary>
    public static TimeSpan Grace { get; set; } = ReadGrace();

    /// <summary>The signal that asked for a stop ("SIGINT", "SIGTERM"), or null.</summary>
    public static string? RequestedBy => _signal;

    /// <summary>130 after SIGINT, 143 after SIGTERM.</summary>
    public static int ExitCodeFor(string signalName) => signalName == "SIGINT" ? 130 : 143;

    /// <summary>Installs the signal handlers for the life of the returned object.</summary>
    public static IDisposable Install()
    {
        var registrations = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        };
        return new Registrations(registrations);
    }

    /// <summary>
    /// For a command that stops itself on SIGINT/SIGTERM (a server that finishes its current request and
    /// closes its boards, which puts them in their safe state): while the returned object lives, signals are
    /// left to the command's own handlers.
    /// </summary>
    public static IDisposable CommandHandlesSignals()
    {
        Interlocked.Increment(ref _commandHandlesSignals);
        return new Release(() => Interlocked.Decrement(ref _commandHandlesSignals));
    }

    /// <summary>Wraps a board so that it stops between operations and is left safe on a stop.</summary>
    public static StopGuardedDevice Guard(MortalHil.Core.Devices.IDevice device)
    {
        var guarded = new StopGuardedDevice(device);
        lock (Gate) Open.Add(guarded);
        return guarded;
    }

    internal static void Forget(StopGuardedDevice device)
    {
        lock (Gate) Open.Remove(device);
    }

    /// <summary>Throws <see cref="StopRequestedException"/> when a stop was asked for.</summary>
    public static void ThrowIfRequested()
    {
        if (_signal is { } s) throw new StopRequestedException(s);
    }

    /// <summary>Records a stop as a signal would (for tests and for in-process callers).</summary>
    public static void Request(string signalName) => _signal ??= signalName;

    /// <summary>Forgets a recorded stop (tests only).</summary>
    internal static void ResetForTests()
    {
        _signal = null;
        _signals = 0;
    }

    private static void OnSignal(PosixSignalContext context)
    {
        if (Volatile.Read(ref _commandHandlesSignals) > 0) return;
        context.Cancel = true; // we stop ourselves, after the board is safe
        string name = context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
        Request(name);
        int count = Interlocked.Increment(ref _signals);
        StopGuardedDevice[] open;
        lock (Gate) open = Open.ToArray();
        if (open.Length == 0)
        {
            Console.Error.WriteLine($"stopped by {name} (no hardware board open)");
            Environment.Exit(ExitCodeFor(name));
        }
        if (count == 1)
        {
            Console.Error.WriteLine($"{name}: stopping after the current board operation (send it again to stop at once)");
            new Thread(() => { Thread.Sleep(Grace); ForceStop(_signal!); }) { IsBackground = true, Name = "safe-stop watchdog" }.Start();
        }
        else ForceStop(_signal!);
    }

    private static void ForceStop(string name)
    {
        StopGuardedDevice[] open;
        lock (Gate) open = Open.ToArray();
        foreach (var d in open) d.ParkSafely();
        Console.Error.WriteLine($"stopped by {name}: {open.Length} board(s) left safe");
        Environment.Exit(ExitCodeFor(name));
    }

    private static TimeSpan ReadGrace()
        => double.TryParse(Environment.GetEnvironmentVariable("MORTALHIL_STOP_GRACE_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out var s) && s >= 0
            ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(10);

    private sealed class Release(Action release) : IDisposable
    {
        private int _done;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0) release();
        }
    }

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in registrations) r.Dispose();
        }
    }
}

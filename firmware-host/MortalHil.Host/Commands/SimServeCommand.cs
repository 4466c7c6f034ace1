using System.CommandLine;
using System.Runtime.InteropServices;
using MortalHil.Hardware.Protocol;
using MortalHil.Hardware.Virtual;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;

using MortalHil.Host.Options;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil sim serve</c>: serves any board (usually a simulated one) over the serial wire
/// protocol (hardware/PROTOCOL.md) on a pseudo-terminal, so <c>--board serial:/dev/pts/N</c>
/// exercises the real serial driver end to end without hardware.
/// </summary>
public static class SimServeCommand
{
    /// <summary>The <c>sim</c> command group with <c>serve</c> in it.</summary>
    public static Command Create()
    {
        var sim = new Command("sim", "Simulated boards: serve one over the serial wire protocol.");
        sim.Subcommands.Add(CreateServe());
        return sim;
    }

    /// <summary>The <c>serve</c> subcommand alone (for a <c>sim</c> group defined elsewhere).</summary>
    public static Command CreateServe()
    {
        var board = SharedOptions.Board("Board to serve, e.g. sim:reram:42 (see 'mortalhil boards').");
        var pty = new Option<bool>("--pty") { Description = "Serve on a new pseudo-terminal; its path is the first line of output. Without it, serve on standard input/output." };
        var link = new Option<string?>("--link") { Description = "Also make a symbolic link with this path to the pseudo-terminal (a stable name across restarts)." }.NotEmpty();
        var drop = SharedOptions.Real("--drop", "Fault injection: probability a frame (either direction) is lost.", 0, 0, 1);
        var corrupt = SharedOptions.Real("--corrupt", "Fault injection: probability a frame gets one corrupted byte.", 0, 0, 1);
        var duplicate = SharedOptions.Real("--duplicate", "Fault injection: probability a frame is delivered twice.", 0, 0, 1);
        var delay = SharedOptions.Count("--delay-ms", "Fault injection: delay before every answer, milliseconds.", 0, 0, 60_000);
        var seed = SharedOptions.Seed(1, "Seed of the fault injector.");
        seed = new Option<int>("--fault-seed") { Description = seed.Description, DefaultValueFactory = _ => 1 };
        var maxPayload = SharedOptions.Count("--max-payload", "Payload limit the board advertises, bytes.", ProtocolConstants.MaxPayload, ProtocolConstants.MinBoardMaxPayload, ProtocolConstants.MaxPayload);
        var maxSeconds = SharedOptions.Real("--max-seconds", "Stop after this many seconds (0 = only when stopped).", 86_400, 0, 31_536_000);
        var protocolVersion = SharedOptions.Count("--protocol-version", "Highest protocol version the served board speaks: 2, or 1 to act as a board built before analog chains and costs were on the wire (hardware/PROTOCOL.md 2.1).",
            ProtocolConstants.HighestVersion, ProtocolConstants.Version, ProtocolConstants.HighestVersion);
        var cmd = new Command("serve", "Serve a board over the serial wire protocol until SIGINT/SIGTERM, end of standard input, or --max-seconds.");
        foreach (var o in new Option[] { board, pty, link, drop, corrupt, duplicate, delay, seed, maxPayload, maxSeconds, protocolVersion }) cmd.Options.Add(o);
        var gpio = SharedOptions.AddGpio(cmd, board);
        cmd.SetAction(parse =>
        {
            var faults = new LinkFaults
            {
                DropRate = parse.GetValue(drop),
                CorruptRate = parse.GetValue(corrupt),
                DuplicateRate = parse.GetValue(duplicate),
                Delay = TimeSpan.FromMilliseconds(parse.GetValue(delay)),
                Seed = parse.GetValue(seed),
            };
            try { faults.Validate(); }
            catch (ArgumentException e) { throw new CliUsageException(e.Message); }
            int limit = parse.GetValue(maxPayload);
            if (limit < ProtocolConstants.MinBoardMaxPayload || limit > ProtocolConstants.MaxPayload)
                throw new CliUsageException($"--max-payload {limit} outside {ProtocolConstants.MinBoardMaxPayload}..{ProtocolConstants.MaxPayload}");
            double seconds = parse.GetValue(maxSeconds);
            if (!(seconds >= 0)) throw new CliUsageException($"--max-seconds {seconds} must be >= 0");
            bool onPty = parse.GetValue(pty);
            string? linkPath = parse.GetValue(link);
            if (linkPath is not null && !onPty) throw new CliUsageException("--link needs --pty");
            return Serve(parse.GetValue(board)!, gpio(parse), onPty, linkPath, faults, limit, seconds, (byte)parse.GetValue(protocolVersion));
        });
        return cmd;
    }

    private static int Serve(string spec, GpioSelection gpio, bool onPty, string? linkPath, LinkFaults faults, int maxPayload, double maxSeconds, byte protocolVersion)
    {
        using var ownStops = MortalHil.Host.Stopping.SafeStop.CommandHandlesSignals(); // stops itself below; the board is left safe when disposed
        using var device = BoardOpener.Open(spec, gpio);
        var server = new BoardProtocolServer(device, faults, maxPayload, highestVersion: protocolVersion);
        using var stop = maxSeconds > 0 ? new CancellationTokenSource(TimeSpan.FromSeconds(maxSeconds)) : new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        if (onPty)
        {
            using var terminal = PseudoTerminal.Open(linkPath);
            Console.Out.WriteLine(terminal.PortPath);
            Console.Out.Flush();
            Console.Error.WriteLine($"serving {device.Description.Kind} {device.Description.SerialNumber} on {terminal.SlavePath}{(linkPath is null ? "" : $" (link {linkPath})")}; stop with Ctrl-C, SIGTERM or end of input");
            WatchStandardInput(stop);
            server.Serve(terminal.Master, stop.Token);
        }
        else
        {
            // Standard input/output carry the protocol (e.g. under socat); only SIGINT/SIGTERM or end of input stop it.
            using var input = Console.OpenStandardInput();
            using var output = Console.OpenStandardOutput();
            server.Serve(new StdioStream(input, output), stop.Token);
        }
        var c = server.Counters;
        Console.Error.WriteLine($"stopped: {c.FramesReceived} frames received, {c.FramesSent} sent, {c.BadFrames} bad, {c.Replays} replays, {c.DuplicatePulses} duplicate pulses, {c.AnswersDropped} answers dropped unread, {c.PartialBlocksAbandoned} partial blocks abandoned, {c.FaultsInjected} faults injected");
        return 0;
    }

    /// <summary>Stops the server when standard input closes, unless it is /dev/null (a background job) where it is closed from the start.</summary>
    private static void WatchStandardInput(CancellationTokenSource stop)
    {
        if (IsDevNull()) return;
        var watcher = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (input.Read(buffer, 0, buffer.Length) > 0) { }
            }
            catch (IOException) { }
            stop.Cancel();
        }) { IsBackground = true, Name = "stdin-watch" };
        watcher.Start();
    }

    private static bool IsDevNull()
    {
        try { return OperatingSystem.IsLinux() && new FileInfo("/proc/self/fd/0").LinkTarget == "/dev/null"; }
        catch (IOException) { return false; }
    }

    /// <summary>Standard input and output as one duplex stream.</summary>
    private sealed class StdioStream(Stream input, Stream output) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => output.Flush();
        public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);
        public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

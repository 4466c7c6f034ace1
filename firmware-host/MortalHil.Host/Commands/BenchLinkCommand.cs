using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using MortalHil.Core.Devices;
using MortalHil.Hardware.Serial;
using MortalHil.Hardware.Virtual;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;

using MortalHil.Host.Options;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil bench link</c>: measures the serial link end to end — round-trip latency
/// percentiles and read throughput in vectors per second — against a virtual board it serves
/// itself on a pseudo-terminal (or a board already on a port), and writes bench-link.json.
/// </summary>
public static class BenchLinkCommand
{
    /// <summary>The <c>link</c> subcommand of <c>bench</c> (added in <see cref="BenchCommand"/>).</summary>
    public static Command CreateLink()
    {
        var output = SharedOptions.OutDir("Directory for bench-link.json.");
        var board = SharedOptions.Board("Board to serve on the pseudo-terminal.", "sim:reram:42");
        var port = new Option<string?>("--port") { Description = "Measure a board already on this serial port instead of serving one." }.NotEmpty();
        var rows = SharedOptions.Count("--rows", "Rows of the read window (0 = the whole tile).", 0, 0, Limits.LayerWidth);
        var columns = SharedOptions.Count("--columns", "Columns of the read window (0 = the whole tile).", 0, 0, Limits.LayerWidth);
        var batch = SharedOptions.Count("--batch", "Vectors per read in the throughput run (0 = the board's limit).", 0, 0, Limits.Batch);
        var roundTrips = SharedOptions.Count("--round-trips", "Round trips per latency measurement.", 2000, 10, 1_000_000);
        var seconds = SharedOptions.Real("--seconds", "Duration of the throughput run.", 3, 0, 600, minExclusive: true);
        var cmd = new Command("link", "Serial-link latency (p50/p90/p99) and read throughput over a pseudo-terminal; writes bench-link.json.");
        foreach (var o in new Option[] { output, board, port, rows, columns, batch, roundTrips, seconds }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var settings = new Settings(parse.GetValue(output)!, parse.GetValue(board)!, parse.GetValue(port), parse.GetValue(rows),
                parse.GetValue(columns), parse.GetValue(batch), parse.GetValue(roundTrips), parse.GetValue(seconds));
            if (settings.RoundTrips is < 10 or > 1_000_000) throw new CliUsageException($"--round-trips {settings.RoundTrips} outside 10..1000000");
            if (!(settings.Seconds is > 0 and <= 600)) throw new CliUsageException($"--seconds {settings.Seconds} outside (0, 600]");
            if (settings.Rows < 0 || settings.Columns < 0 || settings.Batch < 0) throw new CliUsageException("--rows, --columns and --batch must be >= 0");
            return Run(settings);
        });
        return cmd;
    }

    private sealed record Settings(string Out, string Board, string? Port, int Rows, int Columns, int Batch, int RoundTrips, double Seconds);

    private static int Run(Settings s)
    {
        s = s with { Out = Core.Files.OutputLocation.PrepareDirectory(s.Out, "--out") };
        IDevice? served = null;
        PseudoTerminal? pty = null;
        using var stop = new CancellationTokenSource();
        Task? serving = null;
        BoardProtocolServer? server = null;
        try
        {
            string portPath;
            if (s.Port is null)
            {
                served = BoardOpener.Open(s.Board);
                pty = PseudoTerminal.Open();
                server = new BoardProtocolServer(served);
                serving = server.ServeAsync(pty.Master, stop.Token);
                portPath = pty.SlavePath;
            }
            else portPath = s.Port;

            using var board = SerialBoard.Open(portPath);
            var d = board.Description;
            int r = s.Rows == 0 ? d.Geometry.Rows : s.Rows, c = s.Columns == 0 ? d.Geometry.Columns : s.Columns;
            var window = new CrossbarWindow(0, 0, r, 0, c);
            window.Validate(d);
            int batch = s.Batch == 0 ? d.Limits.MaxBatch : s.Batch;
            if (batch > d.Limits.MaxBatch) throw new CliUsageException($"--batch {batch} exceeds the board's limit {d.Limits.MaxBatch}");
            float v = 0.25f * Math.Min(d.Limits.MaxReadVolts, d.Dac.FullScaleVolts);
            var rng = new Random(1);
            var x = Enumerable.Range(0, batch * r).Select(_ => (float)((rng.NextDouble() * 2 - 1) * v)).ToArray();
            var y = new float[batch * c];
            Console.Error.WriteLine($"link bench: {d.Kind} {d.SerialNumber} on {portPath}, window {r}x{c}, batch {batch}");

            for (int i = 0; i < 50; i++) board.Echo(new byte[16]); // warm up both ends
            var echo = Latency(s.RoundTrips, () => board.Echo(new byte[16]));
            var read1 = Latency(Math.Max(10, s.RoundTrips / 4), () => board.Read(window, x.AsSpan(0, r), y.AsSpan(0, c)));

            var before = board.LinkStatistics;
            long vectors = 0, requests = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed.TotalSeconds < s.Seconds)
            {
                board.Read(window, x, y);
                vectors += batch;
                requests++;
            }
            double elapsed = clock.Elapsed.TotalSeconds;
            var after = board.LinkStatistics;
            board.Dispose(); // close the port before the raw comparison opens the same pty
            long frames = after.FramesSent - before.FramesSent;
            // Payload bytes carried (inputs out, outputs back), f32 each.
            double payloadBytes = vectors * 4.0 * (r + c);

            RawTtyComparison? raw = null;
            double? direct = null;
            if (served is not null)
            {
                raw = MeasureRawTty(portPath, s.RoundTrips, window, x.AsSpan(0, r).ToArray());
                var directClock = Stopwatch.StartNew();
                long directVectors = 0;
                while (directClock.Elapsed.TotalSeconds < Math.Min(1, s.Seconds))
                {
                    served.Read(window, x, y);
                    directVectors += batch;
                }
                direct = directVectors / directClock.Elapsed.TotalSeconds;
            }

            var result = new BenchLinkResult
            {
                Board = s.Port is null ? s.Board : $"serial:{s.Port}",
                Transport = s.Port is null ? "pseudo-terminal (openpty), in-process virtual board" : "serial port",
                Port = portPath,
                Window = $"{r}x{c}",
                Batch = batch,
                EchoLatencyMicroseconds = echo,
                SingleVectorReadLatencyMicroseconds = read1,
                Throughput = new Throughput(requests, vectors, frames, elapsed, vectors / elapsed, payloadBytes / elapsed),
                DirectDeviceVectorsPerSecond = direct,
                RawTtyComparison = raw,
                Link = after,
                ProcessorCount = Environment.ProcessorCount,
                LoadAverageOneMinute = LoadAverage(),
                MeasuredUtc = DateTime.UtcNow,
                Command = "mortalhil bench link " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "link").Skip(1)),
            };
            var path = Path.Combine(s.Out, "bench-link.json");
            Core.Files.StampedJson.Write(path, JsonSerializer.Serialize(result, JsonOptions), "bench-link", 1);
            Console.WriteLine($"echo round trip     p50 {echo.P50:F0} us  p90 {echo.P90:F0} us  p99 {echo.P99:F0} us");
            Console.WriteLine($"1-vector read       p50 {read1.P50:F0} us  p90 {read1.P90:F0} us  p99 {read1.P99:F0} us");
            Console.WriteLine($"read throughput     {result.Throughput.VectorsPerSecond:F0} vectors/s ({result.Throughput.PayloadBytesPerSecond / 1e6:F1} MB/s payload), batch {batch}, window {r}x{c}");
            if (raw is not null)
                Console.WriteLine($"raw tty I/O         echo p50 {raw.EchoLatencyMicroseconds.P50:F0} us, 1-vector read p50 {raw.SingleVectorReadLatencyMicroseconds.P50:F0} us (same pty, FileStream instead of System.IO.Ports)");
            if (direct is { } dv) Console.WriteLine($"same board direct   {dv:F0} vectors/s (no link)");
            Console.WriteLine($"wrote {path}");
            return 0;
        }
        finally
        {
            stop.Cancel();
            serving?.Wait(TimeSpan.FromSeconds(5));
            pty?.Dispose();
            served?.Dispose();
        }
    }

    /// <summary>
    /// The same round trips through a plain FileStream on the pseudo-terminal (which the bench put in
    /// raw mode itself), to show how much of the latency is System.IO.Ports' own I/O loop.
    /// </summary>
    private static RawTtyComparison MeasureRawTty(string port, int roundTrips, CrossbarWindow window, float[] oneVector)
    {
        using var board = new SerialBoard(new RawTtyConnector(port));
        for (int i = 0; i < 50; i++) board.Echo(new byte[16]);
        var echo = Latency(roundTrips, () => board.Echo(new byte[16]));
        var y = new float[window.ColumnCount];
        var read1 = Latency(Math.Max(10, roundTrips / 4), () => board.Read(window, oneVector, y));
        return new RawTtyComparison(echo, read1);
    }

    private sealed class RawTtyConnector(string path) : ILinkConnector
    {
        public string Name => path;
        public Stream Connect() => new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
    }

    /// <summary>Latencies through a plain FileStream on the same pseudo-terminal.</summary>
    public sealed record RawTtyComparison(Percentiles EchoLatencyMicroseconds, Percentiles SingleVectorReadLatencyMicroseconds);

    private static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    private static Percentiles Latency(int n, Action roundTrip)
    {
        var us = new double[n];
        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            roundTrip();
            us[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        Array.Sort(us);
        double At(double q) => us[Math.Clamp((int)Math.Ceiling(q * n) - 1, 0, n - 1)]; // nearest rank
        return new Percentiles(n, At(0.5), At(0.9), At(0.99), us.Average(), us[0], us[^1]);
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Latency distribution of n round trips, microseconds.</summary>
    public sealed record Percentiles(int Count, double P50, double P90, double P99, double Mean, double Min, double Max);

    /// <summary>The throughput run.</summary>
    public sealed record Throughput(long Requests, long Vectors, long Frames, double Seconds, double VectorsPerSecond, double PayloadBytesPerSecond);

    /// <summary>Contents of bench-link.json.</summary>
    public sealed record BenchLinkResult
    {
        public required string Board { get; init; }
        public required string Transport { get; init; }
        public required string Port { get; init; }
        public required string Window { get; init; }
        public required int Batch { get; init; }
        public required Percentiles EchoLatencyMicroseconds { get; init; }
        public required Percentiles SingleVectorReadLatencyMicroseconds { get; init; }
        public required Throughput Throughput { get; init; }
        public double? DirectDeviceVectorsPerSecond { get; init; }
        /// <summary>The same latencies without System.IO.Ports (only when the bench serves its own pty).</summary>
        public RawTtyComparison? RawTtyComparison { get; init; }
        public required LinkStatistics Link { get; init; }
        public required int ProcessorCount { get; init; }
        /// <summary>The machine's 1-minute load average when measured (other work shares the cores), if known.</summary>
        public double? LoadAverageOneMinute { get; init; }
        public required DateTime MeasuredUtc { get; init; }
        public required string Command { get; init; }
    }
}

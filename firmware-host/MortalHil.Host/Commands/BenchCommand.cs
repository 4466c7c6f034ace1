using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;
using MortalHil.Core.Devices;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

using MortalHil.Host.Options;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil bench forward --out DIR</c>: times the batched analog read of a <c>reram</c> board with
/// every non-ideality on (batch 256, 784 rows x 512 columns) against OpenBLAS sgemm of the same shape,
/// and writes bench-forward.json (GFLOP/s = 2 B R C / median seconds). The shapes trainers use (batch 32,
/// and a 256 x 20 window) follow under <c>shapes</c>, and a pulse-then-read step under <c>pulse_then_read</c>.
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Speed benchmarks that write JSON to --out.");
        var output = SharedOptions.OutDir("Output folder (created if missing)");
        var runs = SharedOptions.Count("--runs", "Timed repetitions (median reported)", 15, 3, 1000);
        var forward = new Command("forward", "Batched analog read (reram, all non-idealities on) vs OpenBLAS sgemm, 256 x 784 x 512.");
        forward.Options.Add(output);
        forward.Options.Add(runs);
        forward.SetAction(parse => Forward(Core.Files.OutputLocation.PrepareDirectory(parse.GetValue(output)!, "--out"), parse.GetValue(runs)));
        bench.Subcommands.Add(forward);
        bench.Subcommands.Add(BenchLinkCommand.CreateLink());
        return bench;
    }

    /// <summary>One timed shape: a window of <c>Rows x Cols</c> read with a batch of <c>Batch</c>.</summary>
    private sealed record Shape(string Name, int Batch, int Rows, int Cols);

    /// <summary>What a shape measured.</summary>
    private sealed record ShapeResult(Shape Shape, double AnalogSeconds, double? SgemmSeconds)
    {
        public double Flops => 2.0 * Shape.Batch * Shape.Rows * Shape.Cols;
        public double AnalogGflops => Flops / AnalogSeconds / 1e9;
        public double? SgemmGflops => SgemmSeconds is { } s ? Flops / s / 1e9 : null;
        public double? Ratio => SgemmGflops is { } g ? AnalogGflops / g : null;

        public Dictionary<string, object?> ToJson() => new()
        {
            ["name"] = Shape.Name,
            ["batch"] = Shape.Batch,
            ["rows"] = Shape.Rows,
            ["cols"] = Shape.Cols,
            ["analog_seconds_median"] = AnalogSeconds,
            ["analog_gflops"] = Math.Round(AnalogGflops, 3),
            ["sgemm_seconds_median"] = SgemmSeconds,
            ["sgemm_gflops"] = SgemmGflops is { } g ? Math.Round(g, 3) : null,
            ["ratio"] = Ratio is { } r ? Math.Round(r, 3) : null,
        };
    }

    public static int Forward(string outDir, int runs, int batch = 256, int rows = 784, int cols = 512)
    {
        if (runs < 3 || runs > 1000) throw new Cli.CliUsageException($"--runs must be in 3..1000 (got {runs})");
        Directory.CreateDirectory(outDir);

        using var board = SimulatedBoard.Create(BuiltInPresets.ReRam, "bench-forward");
        // The headline shape, then the shapes trainers use: a small batch through the first layer, and a
        // narrow second layer (256 hidden units in, 10 outputs as 20 differential columns).
        Shape[] shapes =
        [
            new("main", batch, rows, cols),
            new("batch32", 32, rows, cols),
            new("narrow", 256, 256, 20),
            new("narrow_batch32", 32, 256, 20),
        ];
        var results = new List<ShapeResult>();
        string? library = null;
        int? blasThreads = null;
        string note;
        (double Pulse, double Read) pulseThenRead;
        using (var blas = OpenBlasSgemm.TryLoad())
        {
            library = blas?.Path;
            blasThreads = blas?.Threads;
            foreach (var shape in shapes) results.Add(MeasureShape(board, blas, shape, runs));
            pulseThenRead = MeasurePulseThenRead(board, shapes[0], runs);
            note = blas is null
                ? "OpenBLAS (libopenblas.so.0 with cblas_sgemm) not found: sgemm column skipped; install Debian's libopenblas0-pthread"
                : "sgemm: plain float32 C = A B by OpenBLAS, same shape, no noise or converters; runs interleaved with the analog reads. " +
                  "The board keeps its conductances packed for the product between pulses, as it keeps them between reads; " +
                  "pulse_then_read times a 16 x 16 pulse and the read after it (which re-packs).";
        }

        var main = results[0];
        var result = new Dictionary<string, object?>
        {
            ["batch"] = batch,
            ["rows"] = rows,
            ["cols"] = cols,
            ["preset"] = "reram",
            ["non_idealities"] = "all on: DAC/ADC quantisation and saturation, read and ADC noise, column gain/offset, IR drop, stuck cells, d2d",
            ["runs"] = runs,
            ["analog_seconds_median"] = main.AnalogSeconds,
            ["analog_gflops"] = Math.Round(main.AnalogGflops, 3),
            ["sgemm_seconds_median"] = main.SgemmSeconds,
            ["sgemm_gflops"] = main.SgemmGflops is { } g ? Math.Round(g, 3) : null,
            ["ratio"] = main.Ratio is { } r ? Math.Round(r, 3) : null,
            ["sgemm_library"] = library,
            ["sgemm_threads"] = blasThreads,
            ["processors"] = Environment.ProcessorCount,
            ["simd"] = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar",
            ["shapes"] = results.Select(x => x.ToJson()).ToArray(),
            ["pulse_then_read"] = new Dictionary<string, object?>
            {
                ["pulse_cells"] = 256,
                ["pulse_seconds_median"] = pulseThenRead.Pulse,
                ["read_seconds_median"] = pulseThenRead.Read,
            },
            ["note"] = note,
        };
        string path = Path.Combine(outDir, "bench-forward.json");
        Core.Files.StampedJson.Write(path, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }), "bench-forward", 1);
        foreach (var x in results)
            Console.WriteLine($"{x.Shape.Name,-15} {x.Shape.Batch,4} x {x.Shape.Rows,4} x {x.Shape.Cols,4}: analog read {x.AnalogGflops,6:F1} GFLOP/s, " +
                              $"sgemm {(x.SgemmGflops is { } sg ? $"{sg,6:F1} GFLOP/s" : "n/a")}, ratio {(x.Ratio is { } rr ? $"{rr:F2}" : "n/a")}");
        Console.WriteLine($"16 x 16 pulse {pulseThenRead.Pulse * 1e3:F2} ms, then read {pulseThenRead.Read * 1e3:F2} ms");
        Console.WriteLine($"wrote {path}");
        return 0;
    }

    private static ShapeResult MeasureShape(SimulatedBoard board, OpenBlasSgemm? blas, Shape shape, int runs)
    {
        var window = new CrossbarWindow(0, 0, shape.Rows, 0, shape.Cols);
        var rng = new Random(1);
        float vmax = board.Description.Limits.MaxReadVolts;
        var x = new float[shape.Batch * shape.Rows];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * vmax);
        var y = new float[shape.Batch * shape.Cols];
        // Small shapes take microseconds: time several calls per sample so the clock and the scheduler matter less.
        int repeats = Math.Max(1, (int)(20e6 / (2.0 * shape.Batch * shape.Rows * shape.Cols)));
        Action analogRead = () => { for (int i = 0; i < repeats; i++) board.Read(window, x, y); };
        if (blas is null) return new ShapeResult(shape, MedianSeconds(runs, analogRead) / repeats, null);
        var a = new float[shape.Batch * shape.Rows];
        var b = new float[shape.Rows * shape.Cols];
        var c = new float[shape.Batch * shape.Cols];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
        // Interleaved, so both see the same share of a machine other work may be using.
        var (analog, sgemm) = InterleavedMedianSeconds(runs, analogRead,
            () => { for (int i = 0; i < repeats; i++) blas.Multiply(a, b, c, shape.Batch, shape.Rows, shape.Cols); });
        return new ShapeResult(shape, analog / repeats, sgemm / repeats);
    }

    /// <summary>A trainer's step: a small pulse (the tile's effective conductances change), then a read of the window.</summary>
    private static (double Pulse, double Read) MeasurePulseThenRead(SimulatedBoard board, Shape shape, int runs)
    {
        var window = new CrossbarWindow(0, 0, shape.Rows, 0, shape.Cols);
        var patch = new CrossbarWindow(0, 0, 16, 0, 16);
        var counts = new short[patch.CellCount];
        var x = new float[shape.Batch * shape.Rows];
        var rng = new Random(2);
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * board.Description.Limits.MaxReadVolts);
        var y = new float[shape.Batch * shape.Cols];
        var caps = board.Description.Capabilities;
        ulong id = 1;
        int step = 0;
        Action pulse = () =>
        {
            Array.Fill(counts, (short)(step++ % 2 == 0 ? 1 : -1)); // up and down in turn: the board stays where it was
            board.ApplyCellPulses(new PulseRequest(id++, (float)caps.NominalPulseVoltage.Volts, (float)caps.NominalPulseWidth.Seconds), patch, counts);
        };
        return InterleavedMedianSeconds(runs, pulse, () => board.Read(window, x, y));
    }

    private static (double A, double B) InterleavedMedianSeconds(int runs, Action a, Action b)
    {
        for (int i = 0; i < 3; i++) { a(); b(); }
        var ta = new double[runs];
        var tb = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            a();
            ta[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            t0 = Stopwatch.GetTimestamp();
            b();
            tb[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        return (Median(ta), Median(tb));
    }

    private static double Median(double[] times)
    {
        Array.Sort(times);
        int n = times.Length;
        return n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    }

    private static double MedianSeconds(int runs, Action action)
    {
        for (int i = 0; i < 3; i++) action(); // warm up: JIT, caches, thread pool
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }
        return Median(times);
    }
}

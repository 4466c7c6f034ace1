using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Intrinsics;
using System.Text.Json;
using MortalHil.Core.Devices;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Commands;

/// <summary>
/// <c>mortalhil bench forward --out DIR</c>: times the batched analog read of a <c>reram</c> board with
/// every non-ideality on (batch 256, 784 rows x 512 columns) against OpenBLAS sgemm of the same shape,
/// and writes bench-forward.json (GFLOP/s = 2 B R C / median seconds).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Speed benchmarks that write JSON to --out.");
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder (created if missing)", Required = true };
        var runs = new Option<int>("--runs") { Description = "Timed repetitions (median reported)", DefaultValueFactory = _ => 15 };
        var forward = new Command("forward", "Batched analog read (reram, all non-idealities on) vs OpenBLAS sgemm, 256 x 784 x 512.");
        forward.Options.Add(output);
        forward.Options.Add(runs);
        forward.SetAction(parse => Forward(parse.GetValue(output)!.FullName, parse.GetValue(runs)));
        bench.Subcommands.Add(forward);
        bench.Subcommands.Add(BenchLinkCommand.CreateLink());
        return bench;
    }

    public static int Forward(string outDir, int runs, int batch = 256, int rows = 784, int cols = 512)
    {
        if (runs < 3 || runs > 1000) throw new Cli.CliUsageException($"--runs must be in 3..1000 (got {runs})");
        Directory.CreateDirectory(outDir);
        double flops = 2.0 * batch * rows * cols;

        using var board = SimulatedBoard.Create(BuiltInPresets.ReRam, "bench-forward");
        var window = new CrossbarWindow(0, 0, rows, 0, cols);
        var rng = new Random(1);
        float vmax = board.Description.Limits.MaxReadVolts;
        var x = new float[batch * rows];
        for (int i = 0; i < x.Length; i++) x[i] = (float)((rng.NextDouble() * 2 - 1) * vmax);
        var y = new float[batch * cols];
        Action analogRead = () => board.Read(window, x, y);

        double analog;
        double? sgemm = null;
        string? library = null;
        int? blasThreads = null;
        string note;
        using (var blas = OpenBlasSgemm.TryLoad())
        {
            if (blas is null)
            {
                analog = MedianSeconds(runs, analogRead);
                note = "OpenBLAS (libopenblas.so.0 with cblas_sgemm) not found: sgemm column skipped; install Debian's libopenblas0-pthread";
            }
            else
            {
                library = blas.Path;
                blasThreads = blas.Threads;
                var a = new float[batch * rows];
                var b = new float[rows * cols];
                var c = new float[batch * cols];
                for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextDouble();
                for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextDouble();
                // Interleaved, so both see the same share of a machine other work may be using.
                (analog, var sgemmSeconds) = InterleavedMedianSeconds(runs, analogRead, () => blas.Multiply(a, b, c, batch, rows, cols));
                sgemm = sgemmSeconds;
                note = "sgemm: plain float32 C = A B by OpenBLAS, same shape, no noise or converters; runs interleaved with the analog reads";
            }
        }

        double analogGflops = flops / analog / 1e9;
        double? sgemmGflops = sgemm is { } s ? flops / s / 1e9 : null;
        var result = new Dictionary<string, object?>
        {
            ["batch"] = batch,
            ["rows"] = rows,
            ["cols"] = cols,
            ["preset"] = "reram",
            ["non_idealities"] = "all on: DAC/ADC quantisation and saturation, read and ADC noise, column gain/offset, IR drop, stuck cells, d2d",
            ["runs"] = runs,
            ["analog_seconds_median"] = analog,
            ["analog_gflops"] = Math.Round(analogGflops, 3),
            ["sgemm_seconds_median"] = sgemm,
            ["sgemm_gflops"] = sgemmGflops is { } g ? Math.Round(g, 3) : null,
            ["ratio"] = sgemmGflops is { } g2 ? Math.Round(analogGflops / g2, 3) : null,
            ["sgemm_library"] = library,
            ["sgemm_threads"] = blasThreads,
            ["processors"] = Environment.ProcessorCount,
            ["simd"] = Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : "scalar",
            ["note"] = note,
        };
        string path = Path.Combine(outDir, "bench-forward.json");
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(path + ".tmp", path, overwrite: true);
        Console.WriteLine($"analog read {analogGflops:F1} GFLOP/s, sgemm {(sgemmGflops is { } sg ? $"{sg:F1} GFLOP/s" : "n/a")}, " +
                          $"ratio {(sgemmGflops is { } r ? $"{analogGflops / r:F2}" : "n/a")}");
        Console.WriteLine($"wrote {path}");
        return 0;
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
        Array.Sort(times);
        return runs % 2 == 1 ? times[runs / 2] : 0.5 * (times[runs / 2 - 1] + times[runs / 2]);
    }
}

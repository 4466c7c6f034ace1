using System.Buffers.Binary;
using System.Text.Json;
using MortalHil.Host.Cli;
using MortalHil.Host.Runs;

namespace MortalHil.Host.Tests.Learning;

/// <summary>The train, eval and runs commands end to end on small synthetic IDX data and an ideal simulated board.</summary>
[Collection(ConsoleOutputCollection.Name)]
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mortalhil-host-test-" + Guid.NewGuid().ToString("N"));

    public TrainCommandTests()
    {
        Directory.CreateDirectory(_dir);
        WriteIdx("train-images-idx3-ubyte", 96, images: true);
        WriteIdx("train-labels-idx1-ubyte", 96, images: false);
        WriteIdx("t10k-images-idx3-ubyte", 40, images: true);
        WriteIdx("t10k-labels-idx1-ubyte", 40, images: false);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string Db => Path.Combine(_dir, "runs.db");

    private (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return (code, err.ToString());
    }

    private string[] TrainArgs(string algo, string outDir, params string[] extra) =>
    [
        "train", "--algo", algo, "--board", "sim:ideal:5", "--dataset", $"idx:{_dir}", "--shape", "784-8-10", "--epochs", "1", "--batch", "16",
        "--evals-per-epoch", "1", "--db", Db, "--out", outDir, .. extra,
    ];

    [Fact]
    public void Training_writes_train_json_a_learning_curve_and_a_run_record_and_the_saved_board_reloads_with_the_same_accuracy()
    {
        var outDir = Path.Combine(_dir, "np");
        var boardFile = Path.Combine(_dir, "trained.board");
        var (code, err) = Run(TrainArgs("np", outDir, "--save-board", boardFile));
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "train.json")));
        var root = json.RootElement;
        foreach (var key in new[] { "test_accuracy", "forward_passes", "pulses", "max_pulses_per_cell", "wall_seconds", "sim_seconds", "curve" })
            Assert.True(root.TryGetProperty(key, out _), key);
        Assert.True(root.GetProperty("forward_passes").GetInt64() > 96);
        Assert.True(root.GetProperty("pulses").GetInt64() > 0);
        Assert.True(new FileInfo(Path.Combine(outDir, "learning-curve.png")).Length > 1000);
        Assert.True(File.Exists(boardFile) && File.Exists(boardFile + ".net.json"));

        using (var store = new RunStore(Db))
        {
            var run = Assert.Single(store.Recent(10));
            Assert.Equal("completed", run.Status);
            Assert.Equal("np", run.Algo);
            Assert.Equal(root.GetProperty("test_accuracy").GetDouble(), run.TestAccuracy!.Value, 5);
        }

        // The ideal board has no noise: the reloaded board and network answer exactly as before.
        var stdout = Console.Out;
        var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
            var (evalCode, evalErr) = Run("eval", "--board", $"simfile:{boardFile}", "--dataset", $"idx:{_dir}");
            Assert.True(evalCode == 0, evalErr);
        }
        finally
        {
            Console.SetOut(stdout);
        }
        Assert.Contains($"{root.GetProperty("test_accuracy").GetDouble():P2}", captured.ToString());
    }

    [Theory]
    [InlineData("ll")]
    [InlineData("wp")]
    [InlineData("bp-digital")]
    public void Every_algorithm_runs_end_to_end(string algo)
    {
        var outDir = Path.Combine(_dir, algo);
        var (code, err) = Run(TrainArgs(algo, outDir));
        Assert.True(code == 0, err);
        Assert.True(File.Exists(Path.Combine(outDir, "train.json")));
    }

    [Fact]
    public void An_unknown_algorithm_is_a_one_line_usage_error()
    {
        var (code, err) = Run(TrainArgs("sgd", Path.Combine(_dir, "x")));
        Assert.Equal(CliRunner.UsageError, code);
        Assert.StartsWith("error:", err);
        Assert.Contains("sgd", err);
    }

    [Fact]
    public void A_truncated_dataset_file_is_a_one_line_error_naming_the_file_and_no_run_output_is_written()
    {
        var path = Path.Combine(_dir, "train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^500]);
        var outDir = Path.Combine(_dir, "broken");
        var (code, err) = Run(TrainArgs("np", outDir));
        Assert.Equal(CliRunner.UsageError, code);
        Assert.Contains("train-images-idx3-ubyte", err);
        Assert.Contains("truncated", err);
        Assert.False(File.Exists(Path.Combine(outDir, "train.json")));
    }

    [Fact]
    public void Runs_lists_recorded_runs()
    {
        using (var store = new RunStore(Db))
        {
            long id = store.Start(new RunRecord { StartedUtc = RunStore.Now(), Status = "running", Command = "train", Algo = "np" });
            store.Finish(id, "completed", testAccuracy: 0.5);
        }
        var (code, err) = Run("runs", "--db", Db);
        Assert.True(code == 0, err);
    }

    /// <summary>Two-class-ish structured images: class c lights up a band of rows, so a network can learn them.</summary>
    private void WriteIdx(string name, int count, bool images)
    {
        var rng = new Random(name.Length * 31 + count);
        byte[] body;
        int[] dims;
        if (images)
        {
            dims = [count, 28, 28];
            body = new byte[count * 784];
            for (int n = 0; n < count; n++)
            {
                int label = n % 10;
                for (int p = 0; p < 784; p++)
                    body[n * 784 + p] = (byte)((p / 28) / 3 == label ? 200 + rng.Next(55) : rng.Next(30));
            }
        }
        else
        {
            dims = [count];
            body = Enumerable.Range(0, count).Select(n => (byte)(n % 10)).ToArray();
        }
        var bytes = new byte[4 + 4 * dims.Length + body.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        body.CopyTo(bytes, 4 + 4 * dims.Length);
        File.WriteAllBytes(Path.Combine(_dir, name), bytes);
    }
}

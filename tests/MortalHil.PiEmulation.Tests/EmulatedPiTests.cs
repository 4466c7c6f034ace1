using System.Buffers.Binary;
using System.Text.Json.Nodes;

namespace MortalHil.PiEmulation.Tests;

/// <summary>
/// The Pi build (linux-arm64, self-contained) run under user-mode emulation gives the results of the x86-64 build:
/// the same help, the same characterization and plots, the same short training run and run store, and a serial
/// board served by one emulated process is measured by another exactly as the simulator is measured directly.
/// Tests in one class run one after another: each emulated process already keeps a core busy.
/// </summary>
public class EmulatedPiTests(Workspace ws) : IClassFixture<Workspace>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly HostProcess _pi = PiBuild.Emulated();

    [Fact]
    public void Help_is_the_help_of_the_x86_64_build()
    {
        var pi = _pi.Run(Limit, "--help");
        Assert.True(pi.ExitCode == 0, pi.ToString());
        foreach (var command in new[] { "characterize", "train", "runs", "sim", "profile" })
            Assert.Contains($"  {command} ", pi.Out);
        Assert.Equal(PiBuild.Native().Run(Limit, "--help").Out, pi.Out);
    }

    [Fact]
    public void Characterize_writes_the_report_and_plots_of_the_x86_64_build()
    {
        var pi = ws.Characterization(_pi, $"sim:{ws.CharacterizePreset}:42", "pi-characterize");
        var native = ws.NativeCharacterization;
        Assert.True(pi["stuck_cells"]!.GetValue<int>() > 0, "the reram preset has stuck cells to find");
        Assert.Equal(Comparable(native), Comparable(pi));
        foreach (var plot in new[] { "conductance-map.png", "pulse-response.png" })
        {
            var size = PngSize(Path.Combine(ws.Dir("pi-characterize"), plot));
            Assert.True(size.Width > 100 && size.Height > 100, $"{plot} is {size}");
            Assert.Equal(PngSize(Path.Combine(ws.Dir("native-characterize"), plot)), size);
        }
    }

    [Fact]
    public void A_short_train_and_the_run_store_give_the_results_of_the_x86_64_build()
    {
        string db = Path.Combine(ws.Root, "pi-runs.db");
        var pi = Train(_pi, "pi-train", db);
        var native = Train(PiBuild.Native(), "native-train", Path.Combine(ws.Root, "native-runs.db"));
        Assert.True(pi["programming_pulses"]!.GetValue<long>() > 0, "the run programmed the board");
        Assert.Equal(Comparable(native, "run_id", "wall_seconds", "sim_seconds"), Comparable(pi, "run_id", "wall_seconds", "sim_seconds"));

        var runs = _pi.Run(Limit, "runs", "--db", db);
        Assert.True(runs.ExitCode == 0, runs.ToString());
        // The table is wrapped to 80 columns when redirected: compare it whole with what x86-64 prints for the same store.
        Assert.Contains("│ 1 ", runs.Out);
        Assert.Equal(PiBuild.Native().Run(Limit, "runs", "--db", db).Out, runs.Out);
    }

    [Fact]
    public async Task A_board_served_on_a_pty_by_one_emulated_process_is_characterized_over_serial_by_another()
    {
        using var server = _pi.Start("sim", "serve", "--board", $"sim:{ws.CharacterizePreset}:42", "--pty", "--max-seconds", "900");
        try
        {
            string? first;
            try { first = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)); }
            catch (TimeoutException) { throw new Xunit.Sdk.XunitException("the emulated sim serve printed no pseudo-terminal within 2 minutes"); }
            string port = first ?? throw new Xunit.Sdk.XunitException($"sim serve ended: {await server.StandardError.ReadToEndAsync()}");
            Assert.StartsWith("/dev/pts/", port);

            var viaSerial = ws.Characterization(_pi, $"serial:{port}", "pi-serial-characterize");
            Assert.Equal(Comparable(ws.NativeCharacterization, "board"), Comparable(viaSerial, "board"));

            server.StandardInput.Close(); // how a user stops it
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }
    }

    private JsonObject Train(HostProcess host, string outName, string db)
    {
        var run = host.Run(Limit, "train", "--board", $"sim:{ws.TrainPreset}:7", "--algo", "np", "--dataset", $"idx:{ws.Data}", "--out", ws.Dir(outName),
            "--downsample", "4", "--shape", "49-16-10", "--epochs", "1", "--train-limit", "100", "--test-limit", "50", "--evals-per-epoch", "1", "--db", db);
        Assert.True(run.ExitCode == 0, $"{host.Description} train: {run}");
        return JsonNode.Parse(File.ReadAllText(Path.Combine(ws.Dir(outName), "train.json")))!.AsObject();
    }

    /// <summary>The report without what differs between runs by nature (timings), and <paramref name="drop"/>, as text.</summary>
    private static string Comparable(JsonObject report, params string[] drop)
    {
        var copy = (JsonObject)report.DeepClone();
        foreach (var key in drop.Append("seconds").Append("checksum")) copy.Remove(key); // the checksum covers the timings too
        if (copy["curve"] is JsonArray curve)
            foreach (var point in curve) point!.AsObject().Remove("wall_seconds");
        return copy.ToJsonString();
    }

    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length > 24 && bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}

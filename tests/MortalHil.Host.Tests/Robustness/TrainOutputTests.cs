using MortalHil.Host.Cli;
using MortalHil.Host.Runs;
using MortalHil.Host.Tests.Mortality;
using static MortalHil.Host.Tests.Robustness.CliHarness;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>train's run row never stays "running": it ends completed, failed or interrupted.</summary>
public sealed class TrainOutputTests(MortalityFixture fx) : IClassFixture<MortalityFixture>
{
    private string[] Train(string outDir, string db, params string[] extra) =>
    [
        "train", "--algo", "np", "--board", fx.StudentSpec("31"), "--dataset", "idx:" + fx.DataDir, "--downsample", "4", "--shape", "49-8-10",
        "--epochs", "1", "--train-limit", "64", "--test-limit", "32", "--evals-per-epoch", "1", "--out", outDir, "--db", db, .. extra,
    ];

    [Fact]
    public void A_run_row_left_running_by_a_killed_process_is_marked_interrupted()
    {
        var db = Path.Combine(fx.Root, "stale-runs.db");
        using (var store = new RunStore(db))
        {
            long id = store.Start(new RunRecord { StartedUtc = RunStore.Now(), Status = "running", Command = "train" });
            using var raw = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False");
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = $"UPDATE runs SET pid = 2147483000 WHERE id = {id}"; // a process that does not exist
            cmd.ExecuteNonQuery();
        }
        using var reopened = new RunStore(db);
        Assert.Equal("interrupted", Assert.Single(reopened.Recent(5)).Status);
    }

    [Fact]
    public void A_run_whose_outputs_cannot_be_written_ends_failed_not_running()
    {
        var db = Path.Combine(fx.Root, "failed-runs.db");
        var outDir = Path.Combine(fx.Root, "train-out-failing");
        Directory.CreateDirectory(outDir);
        // train.json's place is taken by a folder: the write at the end fails after training.
        Directory.CreateDirectory(Path.Combine(outDir, "train.json"));
        var o = Run(Train(outDir, db));
        AssertRefused(o, ExitCodes.IoFailure, "train.json");
        using var store = new RunStore(db);
        var run = Assert.Single(store.Recent(5));
        Assert.Equal("failed", run.Status);
        Assert.Contains("train.json", run.Error);
    }

    [Fact]
    public async Task Two_runs_sharing_an_output_folder_both_complete()
    {
        var db = Path.Combine(fx.Root, "shared-runs.db");
        var outDir = Path.Combine(fx.Root, "train-out-shared");
        var a = Task.Run(() => Run(Train(outDir, db, "--seed", "1")));
        var b = Task.Run(() => Run(Train(outDir, db, "--seed", "2")));
        var (ra, rb) = (await a, await b);
        Assert.True(ra.Code == 0, ra.ToString());
        Assert.True(rb.Code == 0, rb.ToString());
        using var store = new RunStore(db);
        Assert.All(store.Recent(5), r => Assert.Equal("completed", r.Status));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }
}

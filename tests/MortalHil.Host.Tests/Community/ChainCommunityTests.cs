using System.Text.Json.Nodes;
using MortalHil.Core.Community;
using MortalHil.Host.Cli;
using MortalHil.Host.Tests.ChainWire;

namespace MortalHil.Host.Tests.Community;

/// <summary>
/// <c>experiment community</c> on analog-chain boards (a small <c>reram-mortal</c> preset): the chain fixes the shape the
/// digital replicas get too, conductance averaging programs one board's measured weights onto the others' chains, and
/// the files carry the bits-to-accuracy table read at the asked targets.
/// </summary>
[Collection(ConsoleOutputCollection.Name)]
public sealed class ChainCommunityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("community-chain-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_community_of_chain_boards_takes_the_chain_shape_and_reports_bits_to_accuracy()
    {
        var preset = ChainWireBoards.WritePreset(_dir);
        var data = StripeImages.Write(Path.Combine(_dir, "data"), train: 400, test: 60);
        var outDir = Path.Combine(_dir, "out");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var saved = Console.Out;
        Console.SetOut(stdout);
        int code;
        try
        {
            code = CliRunner.Run(Program.BuildRoot(), ["experiment", "community", "--preset", preset, "--dataset", $"idx:{data}", "--downsample", "2",
                "--boards", "2", "--shards", "balanced", "--shard-examples", "64", "--transfer-examples", "32", "--rounds", "1", "--local-epochs", "1",
                "--batch", "16", "--reach", "1,100", "--out", outDir], stderr);
        }
        finally { Console.SetOut(saved); }
        Assert.True(code == 0, $"exit {code}: {stderr}");

        var jsonPath = Path.Combine(outDir, "community.json");
        var text = File.ReadAllText(jsonPath);
        Assert.Equal(CommunityReport.Version, CommunityReport.Verify(jsonPath, text));
        var body = JsonNode.Parse(text)!["body"]!;
        Assert.Equal($"{ChainWireBoards.InputCount}-{ChainWireBoards.Hidden}-{ChainWireBoards.Classes}", body["settings"]!["shape"]!.GetValue<string>());
        Assert.Equal(0.7f, body["settings"]!["learning_rate_decay"]!.GetValue<float>()); // the chain default of np

        // Every way of sharing ran on the chain boards; averaging moved weights onto them after round 0.
        var points = body["points"]!.AsArray();
        foreach (var method in CommunityExperiment.Methods)
            Assert.Equal(4, points.Count(p => p!["method"]!.GetValue<string>() == method.Name()));
        Assert.All(points.Where(p => p!["method"]!.GetValue<string>() != SharingMethod.DigitalWeightAveraging.Name()),
            p => Assert.True(p!["pulses"]!.GetValue<long>() > 0));

        // 1 % is reached before any exchange (0 bits); 100 % on 60 stripe images at this size is not reached by the mortal boards.
        var reach = body["bits_to_accuracy"]!.AsArray();
        Assert.Equal(CommunityExperiment.Methods.Count * 2, reach.Count);
        Assert.All(reach.Where(r => r!["target"]!.GetValue<double>() == 0.01), r =>
        {
            Assert.True(r!["reached"]!.GetValue<bool>());
            Assert.Equal(0, r["round"]!.GetValue<int>());
            Assert.Equal(0, r["bits_sent"]!.GetValue<double>());
        });
        Assert.Contains("bits exchanged when the boards' mean accuracy first reached each target", stdout.ToString());
        Assert.True(File.Exists(Path.Combine(outDir, "community.png")));

        // A finished run read again at another target: plots and the table, nothing run, nothing else written.
        var again = Path.Combine(_dir, "again");
        var replay = new StringWriter();
        Console.SetOut(replay);
        try
        {
            code = CliRunner.Run(Program.BuildRoot(), ["experiment", "community", "--from", Path.Combine(outDir, "community.csv"), "--reach", "2", "--out", again], stderr);
        }
        finally { Console.SetOut(saved); }
        Assert.True(code == 0, $"--from: exit {code}: {stderr}");
        Assert.Equal(["community.png"], Directory.GetFiles(again).Select(Path.GetFileName));
        Assert.Equal(CommunityExperiment.Methods.Count, replay.ToString().Split('\n').Count(l => l.Contains("K=2 2 %: round 0, 0 bits")));
    }
}

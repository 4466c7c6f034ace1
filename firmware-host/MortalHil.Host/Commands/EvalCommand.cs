using System.CommandLine;
using MortalHil.Core.Data;
using MortalHil.Core.Learning.Evaluation;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;
using MortalHil.Host.Options;

namespace MortalHil.Host.Commands;

/// <summary><c>mortalhil eval</c>: test accuracy of a trained board saved with <c>train --save-board</c>.</summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var cmd = new Command("eval", "Evaluate a trained board (saved with 'train --save-board FILE') on a dataset's test set.");
        var board = SharedOptions.Board("simfile:FILE of a board saved with its FILE.net.json");
        var dataset = SharedOptions.Dataset();
        var network = new Option<string?>("--network") { Description = "Network file (default: FILE.net.json beside the board file)" }.NotEmpty();
        var downsample = SharedOptions.Downsample("Average-pool factor the network was trained with");
        var dataDir = SharedOptions.DataDir();
        foreach (var o in new Option[] { board, dataset, network, downsample, dataDir }) cmd.Options.Add(o);
        cmd.SetAction(parse =>
        {
            var spec = parse.GetValue(board)!;
            var netPath = parse.GetValue(network) ?? (spec.StartsWith("simfile:", StringComparison.Ordinal)
                ? MappedNetworkStore.CompanionPath(spec["simfile:".Length..])
                : throw new CliUsageException("--network is required unless --board is simfile:FILE"));
            var data = ImagePreprocessing.Prepare(DatasetSpec.Parse(parse.GetValue(dataset)!).Load(parse.GetValue(dataDir), Console.Error),
                parse.GetValue(downsample), PixelNormalization.UnitRange);
            using var device = BoardOpener.Open(spec);
            var net = MappedNetworkStore.Load(device, netPath);
            if (net.InputCount != data.Features)
                throw new CliUsageException($"the network takes {net.InputCount} inputs but the dataset has {data.Features} features (check --downsample)");
            float accuracy = Evaluator.Accuracy(net, data.Test);
            Console.WriteLine($"{spec}: {net.Shape} test accuracy {accuracy:P2} on {data.Test.Count} examples ({net.Ledger.LayerVectorReads:N0} layer reads)");
            return 0;
        });
        return cmd;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Stress;
using MortalHil.Host.Boards;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Commands.Fleet;

/// <summary>
/// <c>mortalhil node NODE.json --cluster HOST:PORT</c>: joins the fleet as a silo hosting this machine's boards
/// and any fleet work placed on it (lineage simulations, handovers), until SIGINT or SIGTERM.
/// </summary>
public static class NodeCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("node-file") { Description = "Node file: { \"node\": NAME, \"boards\": [SPEC, ...] } (specs as in 'mortalhil boards')." };
        var fleet = new FleetOptions(required: true);
        var slots = MortalHil.Host.Options.SharedOptions.OptionalCount("--lineage-slots",
            "Stress lineages this node simulates at once (default: its cores; fewer when several nodes share one machine's cores).", 1, 1024);
        var journals = new Option<string?>("--journal-folder")
        {
            Description = "Folder on this machine's own disk for the handover journals this node keeps (overrides the node file's journal_folder; " +
                "default: the user's local data folder, mortalhil/journals/NODE).",
        };
        var cmd = new Command("node", "Join a fleet as a silo that hosts this machine's boards (runs until SIGINT/SIGTERM).");
        cmd.Arguments.Add(file);
        cmd.Options.Add(journals);
        fleet.AddTo(cmd);
        cmd.Options.Add(slots);
        cmd.SetAction(parse =>
        {
            var options = fleet.From(parse)!;
            var node = NodeFile.Load(parse.GetValue(file)!.FullName);
            if (parse.GetValue(journals) is { } folder) node = node with { JournalFolder = Path.GetFullPath(folder) };
            // Checked writable now, not at the first handover: a node that cannot keep a journal says so at once.
            string journalFolder = Core.Files.OutputLocation.PrepareDirectory(node.JournalFolder ?? MortalHil.Fleet.Handover.Journal.NodeJournalFolder.Default(node.Name),
                "--journal-folder");
            node = node with { JournalFolder = Path.GetFullPath(journalFolder) };
            return Run(options, node, parse.GetValue(slots) is int n ? new LineageSlots(n) : LineageSlots.Default); // an unreachable fleet: exit 5 through ErrorClassifier
        });
        return cmd;
    }

    private static int Run(FleetClusterOptions options, NodeSpec node, LineageSlots slots)
    {
        using var stop = new CancellationTokenSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        FleetSilo silo;
        try
        {
            silo = FleetSilo.StartAsync(options, node, spec => BoardOpener.Open(spec), log: Console.Error, lineageSlots: slots, cancel: stop.Token).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or StackExchange.Redis.RedisException)
        {
            throw new FleetUnavailableException($"node {node.Name} could not join the fleet '{options.ClusterId}' through Redis {options.Redis}: {e.Message}", e);
        }
        // One line others can wait for (tests, scripts): the node is in the fleet.
        Console.WriteLine($"node {node.Name} joined fleet {options.ClusterId}: silo port {silo.SiloPort}, gateway port {silo.GatewayPort}, boards: " +
            (silo.Boards.Ids.Count == 0 ? "none" : string.Join(", ", silo.Boards.Ids)));
        Console.Out.Flush();
        silo.RunUntilAsync(stop.Token).GetAwaiter().GetResult();
        silo.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"node {node.Name} left the fleet");
        return 0;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Status;
using Spectre.Console;

namespace MortalHil.Host.Commands.Fleet;

/// <summary><c>mortalhil fleet status --cluster HOST:PORT</c>: nodes, their silos, boards and health; <c>fleet handover</c>: a handover across nodes.</summary>
public static class FleetCommand
{
    public static Command Create()
    {
        var fleet = new FleetOptions(required: true);
        var json = new Option<bool>("--json") { Description = "Print the status as JSON instead of a table." };
        var status = new Command("status", "Show the fleet's nodes, whether their silos are up, and each board's health (a board whose silo is gone is unreachable, not dead).");
        fleet.AddTo(status);
        status.Options.Add(json);
        status.SetAction(parse =>
        {
            var options = fleet.From(parse)!;
            bool asJson = parse.GetValue(json);
            return Status(options, asJson); // an unreachable fleet: ErrorClassifier gives exit 5 and one error line
        });
        var cmd = new Command("fleet", "Look at a fleet of nodes (see 'mortalhil node').");
        cmd.Subcommands.Add(status);
        cmd.Subcommands.Add(FleetHandoverCommand.Create());
        return cmd;
    }

    private static int Status(FleetClusterOptions options, bool asJson)
    {
        var report = Task.Run(async () =>
        {
            await using var client = await FleetClient.ConnectAsync(options, TimeSpan.FromSeconds(30));
            return await FleetStatus.ReadAsync(client.Client, options.ClusterId);
        }).GetAwaiter().GetResult();
        if (asJson)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, MortalHil.Stress.Reporting.StressReport.JsonOptions));
            return 0;
        }
        var table = new Table().AddColumns("node", "silo", "board", "spec", "state", "pulses", "max pulses/cell", "board hours", "note");
        foreach (var n in report.Nodes)
        {
            string silo = n.SiloActive ? $"up {n.SiloAddress}" : "gone";
            if (n.Boards.Count == 0) table.AddRow(Markup.Escape(n.Node), Markup.Escape(silo), "-", "", "", "", "", "", "");
            foreach (var b in n.Boards)
                table.AddRow(Markup.Escape(n.Node), Markup.Escape(silo), Markup.Escape(b.Serial), Markup.Escape(b.Spec), b.State.ToString().ToLowerInvariant(),
                    b.TotalPulses.ToString(CultureInfo.InvariantCulture), b.MaxCellPulses.ToString(CultureInfo.InvariantCulture),
                    b.UptimeHours.ToString("F1", CultureInfo.InvariantCulture), Markup.Escape(b.Error ?? ""));
        }
        AnsiConsole.Write(table);
        return 0;
    }
}

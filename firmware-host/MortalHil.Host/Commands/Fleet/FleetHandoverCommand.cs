using System.CommandLine;
using System.Globalization;
using MortalHil.Fleet.Boards;
using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Handover;
using MortalHil.Fleet.Stress;
using MortalHil.Host.Cli;
using MortalHil.Host.Options;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Host.Commands.Fleet;

/// <summary>
/// <c>mortalhil fleet handover SCENARIO --teacher NODE/SERIAL --student NODE/SERIAL [--journal-node NODE] [--on NODE] --cluster C</c>: a
/// handover between boards on any nodes, coordinated by the fleet (see <see cref="IHandoverCoordinatorGrain"/>), its journal kept on
/// one node's own disk (the student's by default); the command orders it and follows it to its end. Run it again with the same
/// arguments to follow a handover already ordered.
/// </summary>
internal static class FleetHandoverCommand
{
    public static Command Create()
    {
        var fleet = new FleetOptions(required: true);
        var scenario = new Argument<FileInfo>("scenario") { Description = "Stress scenario JSON whose task, network, policy and budgets the handover uses." };
        var teacher = new Option<string>("--teacher") { Description = "Teacher board, NODE/SERIAL (see 'fleet status').", Required = true }.NotEmpty();
        var student = new Option<string>("--student") { Description = "Student board, NODE/SERIAL.", Required = true }.NotEmpty();
        var journalNode = new Option<string?>("--journal-node")
        {
            Description = "Node that keeps the handover journal on its own disk, in its journal folder (default: the student's node).",
        };
        var id = new Option<string>("--id") { Description = "Names the handover and its journal.", DefaultValueFactory = _ => "handover" }.NotEmpty();
        var on = new Option<string?>("--on") { Description = "Node to coordinate from while it is up (default: the student's node)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the teacher's commissioning, the transfer set and the student's trainer.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("handover", "Distil a teacher board into a student board on another node (or the same); the coordination moves to another node if its own dies.");
        cmd.Arguments.Add(scenario);
        foreach (var o in new Option[] { teacher, student, journalNode, id, on, seed }) cmd.Options.Add(o);
        fleet.AddTo(cmd);
        cmd.SetAction(parse =>
        {
            var options = fleet.From(parse)!;
            string t = Key(parse.GetValue(teacher)!, "--teacher"), s = Key(parse.GetValue(student)!, "--student");
            if (t == s) throw new CliUsageException("--teacher and --student name the same board");
            string handover = parse.GetValue(id)!;
            if (handover.Contains('/') || handover.Any(char.IsWhiteSpace)) throw new CliUsageException($"--id '{handover}' must contain no '/' and no spaces");
            string node = parse.GetValue(on) ?? BoardKeys.Parse(s).Node;
            if (node.Contains('/')) throw new CliUsageException($"--on '{node}' must be a node name");
            string keeper = parse.GetValue(journalNode) ?? BoardKeys.Parse(s).Node;
            if (keeper.Length == 0 || keeper.Contains('/') || keeper.Any(char.IsWhiteSpace)) throw new CliUsageException($"--journal-node '{keeper}' must be a node name");
            var loaded = ScenarioLoader.Load(parse.GetValue(scenario)!.ToString());
            var order = new HandoverOrder(handover, LineageWire.Scenario(loaded), t, s, keeper, parse.GetValue(seed), TimeSpan.Zero);
            return Run(options, node, order);
        });
        return cmd;
    }

    private static string Key(string value, string option)
    {
        try
        {
            var (node, serial) = BoardKeys.Parse(value);
            return BoardKeys.Of(node, serial);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"{option}: {e.Message}");
        }
    }

    private static int Run(FleetClusterOptions options, string node, HandoverOrder order)
    {
        try
        {
            return Follow(options, node, order);
        }
        catch (FleetHandoverFailedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Follow(FleetClusterOptions options, string node, HandoverOrder order)
    {
        var final = Task.Run(async () =>
        {
            await using var client = await FleetClient.ConnectAsync(options, TimeSpan.FromSeconds(60), Console.Error);
            var coordinator = client.Client.GetGrain<IHandoverCoordinatorGrain>($"{node}/{order.Id}");
            var report = await coordinator.Start(order).WaitAsync(TimeSpan.FromMinutes(2));
            string last = "";
            int sameError = 0;
            string? lastError = null;
            while (true)
            {
                // The coordinator tries again at every call; an error that keeps coming back (a board that is not there) ends the command.
                sameError = report.Error is not null && report.Error == lastError ? sameError + 1 : 0;
                lastError = report.Error;
                if (sameError >= 10) throw new FleetHandoverFailedException($"handover {order.Id}: {report.Error}");
                string line = string.Create(CultureInfo.InvariantCulture,
                    $"{report.State} on {report.Coordinator} (attempt {report.Attempt}): {report.CollectedExamples} teacher outputs, {report.StudentSteps} student steps" +
                    $"{(report.Waiting is { } waiting ? "; " + waiting : "")}{(report.Error is { } problem ? "; " + problem : "")}");
                if (line != last) Console.Error.WriteLine(line);
                last = line;
                if (report.Final) return report;
                await Task.Delay(TimeSpan.FromSeconds(1));
                try
                {
                    report = await coordinator.Status().WaitAsync(TimeSpan.FromSeconds(30));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Its silo died and membership has not noticed yet: the next call brings the coordinator up elsewhere.
                    Console.Error.WriteLine($"coordinator not answering ({e.GetType().Name}); asking again");
                }
            }
        }).GetAwaiter().GetResult();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"handover {final.Id}: {final.State} on {final.Coordinator} after {final.Attempt} attempt(s); latest canary readings: student {final.StudentCanary:F4}, teacher {final.TeacherCanary:F4}; verdict: {final.Reason}"));
        Console.WriteLine($"journal: {final.Journal ?? "on node " + order.JournalNode}");
        return final.State == "retired" ? ExitCodes.Success : ExitCodes.Failed;
    }
}

/// <summary>A fleet handover whose coordinator keeps failing the same way.</summary>
internal sealed class FleetHandoverFailedException(string message) : Exception(message);

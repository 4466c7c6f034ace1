using System.CommandLine;
using System.Globalization;
using MortalHil.Host.Runs;
using Spectre.Console;

namespace MortalHil.Host.Commands;

/// <summary><c>mortalhil runs</c>: lists recorded runs from the SQLite run store.</summary>
public static class RunsCommand
{
    public static Command Create()
    {
        var cmd = new Command("runs", "List recorded runs (train and experiment commands), newest first.");
        var db = DbOption();
        var limit = Options.SharedOptions.Count("--limit", "How many runs to show", 20, 1, 1_000_000);
        cmd.Options.Add(db);
        cmd.Options.Add(limit);
        cmd.SetAction(parse =>
        {
            int n = parse.GetValue(limit);
            using var store = new RunStore(RunStore.ResolvePath(parse.GetValue(db)));
            var runs = store.Recent(n);
            if (runs.Count == 0)
            {
                Console.WriteLine($"no runs recorded in {store.Path}");
                return 0;
            }
            var table = new Table().AddColumns("id", "started (UTC)", "status", "command", "algo", "board", "dataset", "shape",
                "test acc", "fwd passes", "pulses", "max/cell", "wall s", "out");
            foreach (var r in runs)
                table.AddRow(Markup.Escape(r.Id.ToString(CultureInfo.InvariantCulture)), Markup.Escape(r.StartedUtc), Markup.Escape(r.Status),
                    Markup.Escape(r.Command), Markup.Escape(r.Algo ?? ""), Markup.Escape(r.Board ?? ""), Markup.Escape(r.Dataset ?? ""), Markup.Escape(r.Shape ?? ""),
                    r.TestAccuracy is { } a ? a.ToString("P2", CultureInfo.InvariantCulture) : "",
                    r.ForwardPasses?.ToString("N0", CultureInfo.InvariantCulture) ?? "", r.Pulses?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                    r.MaxPulsesPerCell?.ToString("N0", CultureInfo.InvariantCulture) ?? "",
                    r.WallSeconds?.ToString("F0", CultureInfo.InvariantCulture) ?? "", Markup.Escape(r.OutDir ?? ""));
            AnsiConsole.Write(table);
            Console.WriteLine($"database: {store.Path}");
            return 0;
        });
        return cmd;
    }

    /// <summary>The shared <c>--db</c> option (declared in <see cref="Options.SharedOptions.Db"/>).</summary>
    public static Option<string?> DbOption() => Options.SharedOptions.Db();
}

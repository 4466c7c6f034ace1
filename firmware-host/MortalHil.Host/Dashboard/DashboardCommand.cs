using System.CommandLine;
using MortalHil.Core.Live;
using MortalHil.Host.Cli;
using MortalHil.Host.Commands;
using MortalHil.Host.Commands.Fleet;
using MortalHil.Host.Runs;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// <c>mortalhil dashboard</c>: serves a page that shows boards, handovers, runs and stress results, live while commands
/// run (on 127.0.0.1 unless <c>--urls</c> says otherwise). Read-only unless started with a token.
/// </summary>
public static class DashboardCommand
{
    public const string TokenVariable = "MORTALHIL_DASHBOARD_TOKEN";
    public const int MinTokenLength = 16;

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on, separated by ';' (default http://127.0.0.1:5080, this machine only)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var db = RunsCommand.DbOption();
        var live = new Option<string?>("--live") { Description = $"Folder of live event logs (default ${LiveDirectory.Variable}, else beside the run store)" };
        var dirs = new Option<string[]>("--dir") { Description = "A folder whose stress outputs and handover journals may be opened (repeat for more); nothing outside them is read", AllowMultipleArgumentsPerToken = false };
        var token = new Option<string?>("--token") { Description = $"Allow actions (e.g. request a handover) to requests carrying this token (at least {MinTokenLength} characters; or set ${TokenVariable}). Without it the dashboard is read-only" };
        var fleet = new FleetOptions(required: false);
        var cmd = new Command("dashboard", "Serve a live dashboard of boards, handovers, runs and stress results in a browser (and a fleet's nodes with --cluster).");
        foreach (var o in new Option[] { urls, db, live, dirs, token }) cmd.Options.Add(o);
        fleet.AddTo(cmd);
        cmd.Subcommands.Add(DashboardBenchCommand.Create());
        cmd.SetAction(parse =>
        {
            var options = Options(parse.GetValue(urls)!, parse.GetValue(db), parse.GetValue(live), parse.GetValue(dirs) ?? [],
                parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable)) with { Fleet = fleet.From(parse) };
            return Serve(options);
        });
        return cmd;
    }

    /// <summary>Checks the command line and builds the options (bad input: <see cref="CliUsageException"/>).</summary>
    internal static DashboardOptions Options(string urls, string? db, string? live, IReadOnlyList<string> dirs, string? token)
    {
        var list = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (list.Length == 0) throw new CliUsageException("--urls needs at least one address");
        foreach (var u in list)
            if (!Uri.TryCreate(u, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
                throw new CliUsageException($"--urls '{u}' is not an address like http://127.0.0.1:5080");
        foreach (var d in dirs)
            if (!Directory.Exists(d)) throw new CliUsageException($"--dir '{d}' is not a folder");
        if (token is not null && token.Length < MinTokenLength) throw new CliUsageException($"--token must have at least {MinTokenLength} characters");
        return new DashboardOptions
        {
            Urls = list, RunStorePath = Path.GetFullPath(RunStore.ResolvePath(db)), LiveDirectory = LiveDirectory.Resolve(live),
            AllowedRoots = dirs.Select(Path.GetFullPath).ToArray(), Token = token,
        };
    }

    private static int Serve(DashboardOptions options)
    {
        using var stop = new CancellationTokenSource();
        DashboardServer server;
        try
        {
            server = DashboardServer.StartAsync(options, stop.Token).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new CliUsageException($"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}");
        }
        Console.WriteLine($"dashboard on {string.Join(", ", server.Urls)} ({(options.Token is null ? "read-only" : "actions need the token")}); " +
                          $"run store {options.RunStorePath}; live events {options.LiveDirectory ?? "off"}; " +
                          $"fleet {(options.Fleet is { } f ? $"{f.ClusterId} at {f.Redis}" : "off")}; Ctrl+C stops it");
        server.WaitForShutdownAsync(stop.Token).GetAwaiter().GetResult();
        server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}

using System.CommandLine;
using System.Globalization;
using CsCheck;
using Microsoft.Data.Sqlite;
using static MortalHil.Host.Tests.Robustness.CliHarness;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>
/// Every option of every command, given a hostile value: the outcome is a documented exit code other than an internal
/// error, at most one "error:" line and no stack trace, within <see cref="CaseTimeout"/> (a hang is a fault too), and no
/// train run left "running" in the run store. Each command starts from arguments that stop it at an input (a missing
/// file, an output folder under a regular file), so no case trains, serves or downloads: a value that slips through the
/// option checks still meets the command's own input handling. Faults found are kept in <see cref="Found"/>.
/// </summary>
public sealed class OptionPropertyTests : IDisposable
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mortalhil-optprops-" + Guid.NewGuid().ToString("N"));
    private readonly string _file; // a regular file: nothing can be created under it, so "--out FILE/x" always stops a command

    public OptionPropertyTests(Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_dir);
        _file = Path.Combine(_dir, "a-regular-file");
        File.WriteAllText(_file, "not a folder");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    public static readonly string[] HostileValues =
    [
        "NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e-320", "-1", "0", "-0", "", " ", "x", "1e6", "1e-9", "2147483648", "-2147483649",
        "99999999999999999999", "0x10", "1,5", "49--10", "49-16-10-x", "\0", "../../etc/passwd", "/dev/zero", "/dev/null", "/", "sim:/dev/zero:1",
        "idx:/dev/zero", "simfile:/dev/zero", "sim:reram:-1", "sim:ideal:99999999999", "65535x65535", "a,b,,c", "1,1,1", "--help", "\u00e9\u6f22\ud83d\ude00",
    ];

    /// <summary>Options whose value is a path: a relative hostile value is placed under the regular file, never in the working folder.</summary>
    private static readonly HashSet<string> PathOptions =
        ["--out", "--db", "--journal", "--save-board", "--link", "--live", "--dir", "--data-dir", "--fit-preset", "--network", "--teacher-network", "--chromium", "--stress"];

    private string P(string name) => Path.Combine(_dir, name);
    private string Blocked(string name) => Path.Combine(_file, name);

    /// <summary>Arguments for each command that stop it at an input: every command of the program must be listed here.</summary>
    private Dictionary<string, string[]> Starts() => new()
    {
        ["boards"] = ["boards"],
        ["characterize"] = ["characterize", "--board", "sim:nosuch:1", "--out", Blocked("c")],
        ["profile check"] = ["profile", "check", P("none.json")],
        ["profile wiring"] = ["profile", "wiring", P("none.json")],
        ["sim serve"] = ["sim", "serve", "--board", "simfile:" + P("none.board"), "--pty", "--max-seconds", "1"],
        ["data fetch"] = ["data", "fetch", "nosuch", "--data-dir", Blocked("data")],
        ["bench forward"] = ["bench", "forward", "--out", Blocked("bf")],
        ["bench link"] = ["bench", "link", "--out", Blocked("bl"), "--board", "simfile:" + P("none.board")],
        ["train"] = ["train", "--board", "sim:ideal:1", "--dataset", "idx:" + P("no-data"), "--db", P("runs.db"), "--out", P("train")],
        ["runs"] = ["runs", "--db", P("runs.db")],
        ["verify"] = ["verify", P("no-such-file")],
        ["eval"] = ["eval", "--board", "simfile:" + P("none.board"), "--dataset", "idx:" + P("no-data")],
        ["experiment learning"] = ["experiment", "learning", "--out", Blocked("el"), "--data-dir", Blocked("data"), "--db", P("runs.db")],
        ["experiment mortality"] = ["experiment", "mortality", "--out", Blocked("em"), "--dataset", "idx:" + P("no-data")],
        ["experiment mortal"] = ["experiment", "mortal", "--out", Blocked("emo"), "--data-dir", Blocked("data")],
        ["experiment community"] = ["experiment", "community", "--out", Blocked("eco"), "--data-dir", Blocked("data")],
        ["handover"] = ["handover", "--teacher", "simfile:" + P("none.board"), "--student", "sim:ideal:2", "--journal", P("j.db"), "--out", P("h"),
            "--dataset", "idx:" + P("no-data")],
        ["stress"] = ["stress", P("none.json"), "--out", Blocked("s")],
        ["stress bench"] = ["stress", P("none.json"), "bench", P("none.json"), "--out", Blocked("sb")],
        ["demo"] = ["demo", "--out", Blocked("demo"), "--dataset", "idx:" + P("no-data")],
        ["node"] = ["node", P("none.json"), "--cluster", "127.0.0.1:1"],
        ["fleet status"] = ["fleet", "status", "--cluster", "127.0.0.1:1,nosuchsetting=1", "--cluster-id", "not a name!"], // refused before connecting (a refused port takes 23 s)
        ["fleet handover"] = ["fleet", "handover", P("none.json"), "--teacher", "n1/1", "--student", "n1/1", "--journal-folder", P("journals"),
            "--cluster", "127.0.0.1:1,nosuchsetting=1", "--cluster-id", "not a name!"], // four blockers, all before connecting
        ["dashboard"] = ["dashboard", "--urls", "ftp://127.0.0.1:0", "--dir", P("no-such-folder"), "--token", "short"], // three blockers: one value never opens a server
        ["dashboard bench"] = ["dashboard", "bench", "--out", Blocked("db"), "--chromium", P("no-chromium")],
    };

    /// <summary>Inputs the property found faults with (command, option, value), replayed first; each was fixed in the product.</summary>
    public static TheoryData<string, string, string> Found => new()
    {
        { "train", "--board", "sim:/dev/zero:1" },          // read /dev/zero as a preset file: no answer in 30 s, memory growing
        { "characterize", "--board", "sim:/dev/zero:1" },
        { "bench forward", "--runs", "-141517559121" },      // an integer beyond Int32 in a ranged option: stack trace, exit 134
        { "train", "--batch", "2147483648" },
        { "sim serve", "--delay-ms", "99999999999999999999" },
        { "characterize", "--fit-preset", "\0" },              // long run, CsCheck_Seed=f-IiTkOq3s_1: ArgumentException thrown while parsing
    };

    [Fact]
    public void An_unreachable_fleet_is_exit_5_through_the_runner()
    {
        // Found by the property: 'fleet status --cluster 8010826498' ended in exit 5 with no error line on the runner's
        // stderr ('fleet status', 'node' and 'stress --cluster' wrote it to the console themselves); now the runner does.
        var failure = Cli.ErrorClassifier.Classify(new MortalHil.Fleet.Cluster.FleetUnavailableException("cannot reach the fleet"));
        Assert.Equal(Cli.ExitCodes.FleetUnreachable, failure.Code);
    }

    /// <summary>Every command with an action, by its path ("experiment mortality").</summary>
    private static IEnumerable<(string Path, Command Command)> Leaves(Command c, string path)
    {
        if (c.Action is not null && path.Length > 0) yield return (path, c);
        foreach (var s in c.Subcommands)
            foreach (var leaf in Leaves(s, path.Length == 0 ? s.Name : path + " " + s.Name)) yield return leaf;
    }

    [Fact]
    public void Every_command_has_a_starting_point()
    {
        var missing = Leaves(Program.BuildRoot(), "").Select(l => l.Path).Except(Starts().Keys).ToArray();
        Assert.True(missing.Length == 0, "commands without a starting point in OptionPropertyTests.Starts: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Found))]
    public void Faults_found_before_stay_fixed(string command, string option, string value) => Check(command, option, value);

    [Fact]
    public void Any_option_given_any_hostile_value_ends_in_a_documented_code_without_a_stack_trace()
    {
        var starts = Starts();
        var commands = Leaves(Program.BuildRoot(), "").Where(l => starts.ContainsKey(l.Path))
            .Select(l => (l.Path, Options: l.Command.Options.Where(o => o.Name is not ("--help" or "--version" or "-h")).Select(o => o.Name).DefaultIfEmpty("--help").ToArray()))
            .ToArray();
        var value = Gen.OneOf(
            Gen.Int[0, HostileValues.Length - 1].Select(i => HostileValues[i]),
            Gen.Double.Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
            Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
            Gen.String[Gen.Char.AlphaNumeric, 0, 12]);
        var gen =
            from ci in Gen.Int[0, commands.Length - 1]
            from oi in Gen.Int[0, commands[ci].Options.Length - 1]
            from v in value
            select (commands[ci].Path, commands[ci].Options[oi], v);
        PropertyRun.Check(gen, c => Check(c.Item1, c.Item2, c.Item3), cases: 1200, stream: 15, _output);
    }

    private void Check(string command, string option, string value)
    {
        var args = Starts()[command].ToList();
        if (PathOptions.Contains(option) && value.Trim().Length > 0 && !value.Contains('\0'))
        {
            // Every path goes under the regular file (so nothing can be created there), one folder deeper per "..", so
            // "../../etc/passwd" stays under it. Rooted values too: CI runs as root, and "--out /" or "--db /dev/null"
            // taken as given wrote /bench-forward.json and /dev/null-journal on the machine running the tests.
            int up = value.Split('/').Count(part => part == "..");
            value = Path.Combine(_file, Path.Combine([.. Enumerable.Repeat("d", up)]), value.TrimStart('/'));
        }
        int at = args.IndexOf(option);
        if (at >= 0) args[at + 1] = value;
        else args.AddRange([option, value]);

        var run = Task.Factory.StartNew(() => Run([.. args]), TaskCreationOptions.LongRunning);
        Assert.True(run.Wait(CaseTimeout), $"no answer within {CaseTimeout.TotalSeconds} s: mortalhil {string.Join(' ', args)}");
        var outcome = run.Result;
        try { AssertClean(outcome); }
        catch (Exception e) { throw new Xunit.Sdk.XunitException($"mortalhil {string.Join(' ', args)}: {e.Message}"); }
        Assert.Equal(0, RunsLeftRunning());
    }

    /// <summary>Rows of the run store still "running" after their command returned: a result lost.</summary>
    private int RunsLeftRunning()
    {
        if (!File.Exists(P("runs.db"))) return 0;
        using var db = new SqliteConnection($"Data Source={P("runs.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'runs'";
        if (Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 0) return 0;
        cmd.CommandText = "SELECT count(*) FROM runs WHERE status = 'running'";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}

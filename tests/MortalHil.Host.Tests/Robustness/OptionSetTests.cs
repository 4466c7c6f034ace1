using MortalHil.Host.Cli;
using static MortalHil.Host.Tests.Robustness.CliHarness;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>
/// The shared option set refuses, while parsing and before any work, every value that used to train first and then
/// throw, hang or be silently accepted: one line naming the option and its limit, exit code 2.
/// </summary>
public sealed class OptionSetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mortalhil-options-" + Guid.NewGuid().ToString("N"));

    public OptionSetTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string[] Train(params string[] extra) => ["train", "--board", "sim:ideal:5", "--out", Path.Combine(_dir, "out"), "--db", Path.Combine(_dir, "runs.db"), .. extra];

    [Theory]
    [InlineData("--lr-hidden", "NaN")]
    [InlineData("--lr-output", "Infinity")]
    [InlineData("--lr-output", "1e308")]
    [InlineData("--lr-decay", "NaN")]
    [InlineData("--sigma", "1e308")]
    [InlineData("--transfer-threshold", "NaN")]
    [InlineData("--lr-hidden", "-0.1")]
    [InlineData("--lr", "0")]
    [InlineData("--init-fraction", "-Infinity")]
    public void Non_finite_or_non_positive_rates_are_refused_before_training(string option, string value)
    {
        var o = Run(Train(option, value));
        AssertRefused(o, ExitCodes.BadInput, option);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")), "nothing is created for a refused command");
    }

    [Theory]
    [InlineData("--train-limit", "0")]
    [InlineData("--batch", "0")]
    [InlineData("--batch", "100000")]
    [InlineData("--epochs", "-1")]
    [InlineData("--groups", "0")]
    [InlineData("--directions", "0")]
    [InlineData("--evals-per-epoch", "0")]
    [InlineData("--test-limit", "0")]
    [InlineData("--wp-pulses", "0")]
    [InlineData("--transfer-every", "0")]
    public void Zero_negative_and_oversized_counts_are_refused_with_the_limit(string option, string value)
        => AssertRefused(Run(Train(option, value)), ExitCodes.BadInput, "must be in [");

    [Theory]
    [InlineData("49--10")]
    [InlineData("49-16-10-x")]
    [InlineData("49-16-10-")]
    [InlineData("-49-10")]
    [InlineData("49-0-10")]
    [InlineData("784-100000-10")]
    [InlineData("784-4096-4096-4096-4096-10")]
    [InlineData("")]
    public void Nonsense_shapes_are_refused(string shape)
        => AssertRefused(Run(Train("--shape", shape)), ExitCodes.BadInput, "--shape");

    [Theory]
    [InlineData("--update", "sideways")]
    [InlineData("--pairs", "diagonal")]
    [InlineData("--algo", "magic")]
    [InlineData("--downsample", "3")]
    [InlineData("--dataset", "idx:")]
    public void Values_outside_a_set_list_the_set(string option, string value)
        => AssertRefused(Run(Train(option, value)), ExitCodes.BadInput, option);

    [Fact]
    public void Weight_perturbation_refuses_a_learning_rate_that_would_take_days_of_pulses()
        => AssertRefused(Run(Train("--algo", "wp", "--lr", "1")), ExitCodes.BadInput, "--lr must be in (0, 0.1]");

    [Theory]
    [InlineData("--out", "")]
    [InlineData("--save-board", "")]
    [InlineData("--db", "")]
    [InlineData("--data-dir", " ")]
    public void Empty_paths_are_refused(string option, string value)
    {
        var args = Train().ToList();
        int i = args.IndexOf(option);
        if (i >= 0) args[i + 1] = value;
        else args.AddRange([option, value]);
        AssertRefused(Run([.. args]), ExitCodes.BadInput, option);
    }

    [Fact]
    public void Save_board_naming_a_folder_is_refused_before_training()
    {
        var o = Run(Train("--save-board", _dir));
        AssertRefused(o, ExitCodes.BadInput, "--save-board");
        Assert.False(File.Exists(Path.Combine(_dir, "runs.db")), "no run was started");
    }

    [Fact]
    public void Save_board_with_the_digital_reference_is_refused_instead_of_saving_nothing()
        => AssertRefused(Run(Train("--algo", "bp-digital", "--save-board", Path.Combine(_dir, "b.board"))), ExitCodes.BadInput, "bp-digital");

    [Fact]
    public void An_output_folder_that_cannot_be_created_is_an_io_failure_named_before_any_work()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        var o = Run(["train", "--board", "sim:ideal:5", "--out", Path.Combine(file, "sub"), "--db", Path.Combine(_dir, "runs.db")]);
        AssertRefused(o, ExitCodes.IoFailure, file);
        Assert.False(File.Exists(Path.Combine(_dir, "runs.db")), "no run was started");
    }

    [Fact]
    public void An_output_path_that_is_a_file_is_bad_input()
    {
        var file = Path.Combine(_dir, "a-file");
        File.WriteAllText(file, "x");
        AssertRefused(Run(["characterize", "--board", "sim:ideal:1", "--out", file]), ExitCodes.BadInput, "is a file");
    }

    [Theory]
    [InlineData("--temperature", "0")]
    [InlineData("--temperature", "NaN")]
    [InlineData("--batch", "0")]
    [InlineData("--batch", "100000")]
    [InlineData("--test", "0")]
    [InlineData("--canary", "5")]
    [InlineData("--jitter", "-1")]
    [InlineData("--noise", "NaN")]
    [InlineData("--hours-per-round", "Infinity")]
    [InlineData("--lr", "-1")]
    [InlineData("--student-shape", "196-")]
    public void Handover_options_share_the_ranges(string option, string value)
        => AssertRefused(Run(["handover", "--teacher", "simfile:t", "--student", "sim:ideal:1", "--journal", Path.Combine(_dir, "j.db"),
            "--out", Path.Combine(_dir, "h"), option, value]), ExitCodes.BadInput, option);

    [Fact]
    public void Handover_and_train_accept_the_same_update_modes()
    {
        foreach (var mode in new[] { "auto", "outer", "cell", "accumulated" })
        {
            var handover = Program.BuildRoot().Parse(["handover", "--teacher", "simfile:t", "--student", "s", "--journal", "j", "--out", "o", "--update", mode]);
            var train = Program.BuildRoot().Parse(["train", "--out", "o", "--update", mode]);
            Assert.Empty(handover.Errors);
            Assert.Empty(train.Errors);
        }
    }

    [Fact]
    public void Data_root_and_data_dir_are_one_option_everywhere()
    {
        foreach (var command in new[] { new[] { "train", "--out", "o" }, ["eval", "--board", "b"], ["demo", "--out", "o"], ["experiment", "mortality", "--out", "o"],
                     ["handover", "--teacher", "t", "--student", "s", "--journal", "j", "--out", "o"], ["data", "fetch", "mnist"] })
            foreach (var name in new[] { "--data-dir", "--data-root" })
                Assert.Empty(Program.BuildRoot().Parse([.. command, name, "/tmp/d"]).Errors);
    }

    [Theory]
    [InlineData("demo --out O", "--age-step-days", "1e-9")]
    [InlineData("demo --out O", "--max-years", "NaN")]
    [InlineData("demo --out O", "--teacher-epochs", "0")]
    [InlineData("demo --out O", "--transfer", "0")]
    [InlineData("demo --out O", "--temperature", "0")]
    [InlineData("demo --out O", "--shape", "196--10")]
    [InlineData("demo --out O", "--batch", "100000")]
    [InlineData("demo --out O", "--knowledge-budget", "2")]
    [InlineData("demo --out O", "--algo", "bp-digital")]
    [InlineData("experiment mortality --out O", "--student-steps", "0")]
    [InlineData("experiment mortality --out O", "--temperature", "Infinity")]
    [InlineData("experiment mortality --out O", "--dataset", "idx:")]
    [InlineData("experiment mortality --out O", "--parallel", "0")]
    [InlineData("experiment mortality --out O", "--generations", "0")]
    [InlineData("experiment mortality --out O", "--omitted-digit", "10")]
    [InlineData("stress x.json --out O", "--threads", "0")]
    [InlineData("sim serve --board sim:ideal:1", "--corrupt", "NaN")]
    [InlineData("runs", "--limit", "0")]
    [InlineData("bench forward --out O", "--runs", "1")]
    public void Other_commands_refuse_values_that_hang_or_mean_nothing(string command, string option, string value)
        => AssertRefused(Run([.. command.Split(' ').Select(t => t == "O" ? Path.Combine(_dir, "o") : t), option, value]), ExitCodes.BadInput, option);

    [Fact]
    public void Demo_refuses_an_ageing_plan_of_more_health_checks_than_the_limit()
        => AssertRefused(Run(["demo", "--out", Path.Combine(_dir, "d"), "--age-step-days", "0.01", "--max-years", "1000"]), ExitCodes.BadInput, "health checks");

    [Fact]
    public void Experiment_mortality_refuses_one_serial_twice()
        => AssertRefused(Run(["experiment", "mortality", "--out", Path.Combine(_dir, "e"), "--student-serials", "201,201"]), ExitCodes.BadInput, "201");

    [Fact]
    public void Every_option_of_every_command_has_a_help_text()
    {
        var root = Program.BuildRoot();
        var stack = new Stack<System.CommandLine.Command>([root]);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            foreach (var o in c.Options) Assert.False(string.IsNullOrWhiteSpace(o.Description), $"{c.Name} {o.Name}");
            foreach (var s in c.Subcommands) stack.Push(s);
        }
    }
}

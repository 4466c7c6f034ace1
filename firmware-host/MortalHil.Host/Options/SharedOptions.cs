using System.CommandLine;
using MortalHil.Core.Data;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Handover;
using MortalHil.Host.Runs;

namespace MortalHil.Host.Options;

/// <summary>
/// Every concept the commands share, declared once: its name, type, help, default and range. Commands take a fresh
/// instance of each option they need (an option belongs to one command) and never re-declare one.
/// </summary>
public static class SharedOptions
{
    // ---- files and folders ----

    /// <summary><c>--out DIR</c>: the output folder, checked writable before the command starts working.</summary>
    public static Option<string> OutDir(string description) => new Option<string>("--out") { Description = description, Required = true }.NotEmpty();

    /// <summary><c>--data-dir ROOT</c> (also <c>--data-root</c>): the dataset cache; datasets live in ROOT/NAME/.</summary>
    public static Option<string?> DataDir() => new Option<string?>("--data-dir", "--data-root")
    {
        Description = $"Data root; MNIST is cached in ROOT/mnist. Default: ${DatasetCache.DataRootVariable}, else $XDG_CACHE_HOME/mortalhil, else ~/.cache/mortalhil",
    }.NotEmpty();

    /// <summary><c>--db FILE</c>: the run store.</summary>
    public static Option<string?> Db() => new Option<string?>("--db")
    {
        Description = $"Run database (SQLite). Default: ${RunStore.DatabaseVariable}, else $XDG_DATA_HOME/mortalhil/runs.db, else ~/.local/share/mortalhil/runs.db",
    }.NotEmpty();

    /// <summary><c>--journal FILE</c>: a handover journal.</summary>
    public static Option<string> Journal() => new Option<string>("--journal") { Description = "Handover journal (SQLite); reuse it to resume a killed handover", Required = true }.NotEmpty();

    // ---- boards and data ----

    /// <summary><c>--board SPEC</c>.</summary>
    public static Option<string> Board(string description, string? defaultSpec = null)
    {
        var o = new Option<string>("--board") { Description = description }.NotEmpty();
        if (defaultSpec is null) o.Required = true;
        else o.DefaultValueFactory = _ => defaultSpec;
        return o;
    }

    /// <summary><c>--gpio-driver</c> of an <c>spi:</c> board: one of the drivers MortalHil.Hardware can open.</summary>
    public static Option<string?> GpioDriver() => ChoiceOption.Create<string?>("--gpio-driver",
        $"GPIO driver of an spi: board (default: ${Boards.GpioSelection.DriverVariable}, else the profile's gpioDriver): auto detects it (libgpiod 2.x, else 1.x, else sysfs), raspberrypi is Pi 3/4 register access",
        MortalHil.Hardware.Spi.Gpio.GpioDriverChoice.Names.Select(n => (n, (string?)n)).ToArray());

    /// <summary><c>--gpio-chip N</c> of an <c>spi:</c> board's libgpiod driver.</summary>
    public static Option<int?> GpioChip() =>
        new Option<int?>("--gpio-chip") { Description = "GPIO chip number of an spi: board's libgpiod driver (default: the profile's gpioChip; -1 finds the header's chip: pinctrl-rp1 on a Pi 5, pinctrl-bcm2711 on a Pi 4)" }
            .InRange(-1, MortalHil.Hardware.Spi.Gpio.GpioDriverChoice.MaxChip);

    /// <summary>
    /// Adds <c>--gpio-driver</c> and <c>--gpio-chip</c> to <paramref name="command"/>, refused while parsing unless
    /// <paramref name="board"/> names an <c>spi:</c> board; the returned function reads them from a parse.
    /// </summary>
    public static Func<ParseResult, Boards.GpioSelection> AddGpio(Command command, Option<string> board)
    {
        var driver = GpioDriver();
        var chip = GpioChip();
        command.Options.Add(driver);
        command.Options.Add(chip);
        command.Validators.Add(result =>
        {
            bool given = result.GetResult(driver) is { Implicit: false } || result.GetResult(chip) is { Implicit: false };
            var spec = result.GetValue(board);
            if (given && spec is not null && !spec.StartsWith("spi:", StringComparison.Ordinal))
                result.AddError($"--gpio-driver and --gpio-chip apply to spi: boards only, not --board {spec}");
        });
        return parse => new Boards.GpioSelection(parse.GetValue(driver), parse.GetValue(chip));
    }

    /// <summary><c>--dataset mnist|idx:DIR</c>, checked while parsing.</summary>
    public static Option<string> Dataset()
    {
        var o = new Option<string>("--dataset") { Description = $"Dataset: {DatasetSpec.Usage}", DefaultValueFactory = _ => "mnist" };
        o.Validators.Add(r =>
        {
            try { DatasetSpec.Parse(r.GetValueOrDefault<string>() ?? ""); }
            catch (FormatException e) { r.AddError($"--dataset: {e.Message}"); }
        });
        return o;
    }

    /// <summary><c>--downsample 1|2|4</c>.</summary>
    public static Option<int> Downsample(string description = "Average-pool images by this factor (2: 28x28 -> 14x14 for small boards)", int defaultFactor = 1) =>
        ChoiceOption.Create("--downsample", description, [("1", 1), ("2", 2), ("4", 4)], defaultFactor, hasDefault: true);

    // ---- the network and its training ----

    /// <summary><c>--shape 784-256-10</c>: widths, inputs first; each width in [1, <see cref="Limits.LayerWidth"/>].</summary>
    public static Option<NetworkShape?> Shape(string name, string description, string? defaultShape = null, params string[] aliases)
    {
        var o = new Option<NetworkShape?>(name, aliases)
        {
            Description = $"{description}; widths in [1, {Limits.LayerWidth}], at most {Limits.ShapeWidths} widths",
            CustomParser = r =>
            {
                var text = r.Tokens.Count > 0 ? r.Tokens[^1].Value : defaultShape ?? "";
                try { return ShapeLimits.Check(NetworkShape.Parse(text), name); }
                catch (Exception e) when (e is FormatException or ArgumentException) { r.AddError($"{name}: {e.Message}"); return null; }
            },
        };
        if (defaultShape is not null) o.DefaultValueFactory = _ => NetworkShape.Parse(defaultShape);
        return o;
    }

    /// <summary><c>--algo</c> of <c>train</c>: np, ll, wp or bp-digital.</summary>
    public static Option<string> TrainAlgorithm(string defaultName = "np") => ChoiceOption.Create("--algo",
        "Trainer: np (node perturbation), ll (local losses), wp (weight perturbation), bp-digital (float reference)",
        [("np", "np"), ("ll", "ll"), ("wp", "wp"), ("bp-digital", "bp-digital")], defaultName, hasDefault: true);

    /// <summary><c>--algo</c> of the commands that train on a board only: np, ll or wp.</summary>
    public static Option<string> OnChipAlgorithm(string defaultName, string description = "On-chip trainer") => ChoiceOption.Create("--algo", description,
        [("np", "np"), ("ll", "ll"), ("wp", "wp")], defaultName, hasDefault: true);

    /// <summary><c>--update</c>: how weight changes become pulses; the same four modes for every command.</summary>
    public static Option<UpdateMode?> Update(string description = "How weight changes become pulses (default: the trainer's): auto, outer (rank-1 trains per example), cell (per-cell counts per batch), accumulated (host accumulator, whole pulses only)") =>
        ChoiceOption.Create<UpdateMode?>("--update", description,
            [("auto", UpdateMode.Auto), ("outer", UpdateMode.OuterProduct), ("cell", UpdateMode.CellPulses), ("accumulated", UpdateMode.Accumulated)]);

    /// <summary><c>--hidden-error mirror|crosstalk</c> (analog chains).</summary>
    public static Option<Core.Learning.Chains.ChainHiddenError?> HiddenError() => ChoiceOption.Create<Core.Learning.Chains.ChainHiddenError?>("--hidden-error",
        "On an analog chain: how np and ll estimate a hidden neuron's error: mirror (its own tap's slope times the head's error through a mirror learned from the same perturbed reads; needs taps) or crosstalk (classic node perturbation). Default: mirror",
        [("mirror", Core.Learning.Chains.ChainHiddenError.Mirror), ("crosstalk", Core.Learning.Chains.ChainHiddenError.Crosstalk)]);

    /// <summary><c>--pairs columns|rows</c>.</summary>
    public static Option<PairOrientation?> Pairs() => ChoiceOption.Create<PairOrientation?>("--pairs",
        "Differential pairs on adjacent columns or rows (default: the trainer's)", [("columns", PairOrientation.Columns), ("rows", PairOrientation.Rows)]);

    /// <summary><c>--lesson soft|hard</c>.</summary>
    public static Option<LessonKind> Lesson() => ChoiceOption.Create("--lesson", "soft (distillation) or hard (the teacher's argmax labels)",
        [("soft", LessonKind.Soft), ("hard", LessonKind.TeacherHard)], LessonKind.Soft, hasDefault: true);

    /// <summary>A learning rate: finite, positive, at most <paramref name="max"/>.</summary>
    public static Option<float?> LearningRate(string name, string description, float max = Limits.LearningRate) =>
        new Option<float?>(name) { Description = description }.InRange(0f, max, minExclusive: true);

    /// <summary><c>--batch</c>: examples per step.</summary>
    public static Option<int> Batch(int defaultValue, string description = "Examples per step") =>
        new Option<int>("--batch") { Description = description, DefaultValueFactory = _ => defaultValue }.InRange(1, Limits.Batch);

    /// <summary><c>--batch</c> whose default depends on other choices.</summary>
    public static Option<int?> OptionalBatch(string description = "Examples per step (default per algorithm)") =>
        new Option<int?>("--batch") { Description = description }.InRange(1, Limits.Batch);

    /// <summary><c>--epochs</c>.</summary>
    public static Option<int?> Epochs(string description = "Passes over the training set (default per algorithm)") =>
        new Option<int?>("--epochs") { Description = description }.InRange(1, Limits.Epochs);

    /// <summary>A count of examples (train/test/transfer sizes).</summary>
    public static Option<int> Examples(string name, string description, int defaultValue, int min = 1) =>
        new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue }.InRange(min, Limits.Examples);

    /// <summary>An optional count of examples.</summary>
    public static Option<int?> OptionalExamples(string name, string description) =>
        new Option<int?>(name) { Description = description }.InRange(1, Limits.Examples);

    /// <summary>A whole number in [min, max].</summary>
    public static Option<int> Count(string name, string description, int defaultValue, int min, int max) =>
        new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue }.InRange(min, max);

    /// <summary>An optional whole number in [min, max] (none: the default of another setting).</summary>
    public static Option<int?> OptionalCount(string name, string description, int min, int max) =>
        new Option<int?>(name) { Description = description }.InRange(min, max);

    /// <summary>An optional real number in (min, max] or [min, max].</summary>
    public static Option<float?> OptionalReal(string name, string description, float min, float max, bool minExclusive) =>
        new Option<float?>(name) { Description = description }.InRange(min, max, minExclusive);

    /// <summary>A real number in (min, max] or [min, max].</summary>
    public static Option<double> Real(string name, string description, double defaultValue, double min, double max, bool minExclusive = false) =>
        new Option<double>(name) { Description = description, DefaultValueFactory = _ => defaultValue }.InRange(min, max, minExclusive);

    /// <summary><c>--temperature</c> of distillation.</summary>
    public static Option<float> Temperature(float defaultValue, string description = "Distillation temperature T") =>
        new Option<float>("--temperature") { Description = description, DefaultValueFactory = _ => defaultValue }.InRange(Limits.TemperatureMin, Limits.TemperatureMax);

    /// <summary><c>--seed</c>: any 32-bit integer.</summary>
    public static Option<int> Seed(int defaultValue = 1, string description = "Seed of everything random in the run") =>
        new("--seed") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary><c>--preset</c> of a simulated board.</summary>
    public static Option<string> Preset(string defaultValue, string description = "Board preset (a built-in name or a preset JSON file)") =>
        new Option<string>("--preset") { Description = description, DefaultValueFactory = _ => defaultValue }.NotEmpty();

    // ---- handovers and their experiments ----

    /// <summary><c>--teacher-epochs</c>: label-training epochs of a teacher trained first (as <c>train --epochs</c>).</summary>
    public static Option<int> TeacherEpochs(int defaultValue, string description = "Teacher training epochs (as 'mortalhil train')") =>
        Count("--teacher-epochs", description, defaultValue, 1, Limits.Epochs);

    /// <summary>A student's training budget in steps (<c>--steps</c> of handover, <c>--student-steps</c> of demo and experiments).</summary>
    public static Option<int> StudentSteps(string name, int defaultValue, string description) => Count(name, description, defaultValue, 1, Limits.StudentSteps);

    /// <summary><c>--transfer</c>: unlabelled examples the teacher is asked about.</summary>
    public static Option<int> Transfer(int defaultValue, string description = "Transfer examples (unlabelled) to ask the teacher about") =>
        Examples("--transfer", description, defaultValue);

    /// <summary><c>--hours-per-round</c>: board time one handover round takes.</summary>
    public static Option<double> HoursPerRound(double defaultValue, string description = "Board time one handover round takes") =>
        Real("--hours-per-round", description, defaultValue, 0, Limits.HoursPerRound);

    /// <summary><c>--parallel</c>: students trained at once.</summary>
    public static Option<int> Parallel(int defaultValue, string description = "Students trained at once") => Count("--parallel", description, defaultValue, 1, Limits.Parallel);

    /// <summary>A board serial number.</summary>
    public static Option<string> Serial(string name, string description, string defaultValue) =>
        new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue }.NotEmpty();
}

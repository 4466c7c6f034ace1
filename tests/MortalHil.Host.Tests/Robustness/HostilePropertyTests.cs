using System.CommandLine;
using CsCheck;
using MortalHil.Host.Cli;
using MortalHil.Sim;
using MortalHil.Sim.Presets;
using static MortalHil.Host.Tests.Robustness.CliHarness;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>
/// Property tests with CsCheck: generated hostile option values, mutated preset JSON and mutated board files.
/// Whatever comes in: a documented exit code, no internal error, no stack trace, one error line; a damaged board
/// file is never accepted. Each property runs for <see cref="Seconds"/> (environment variable
/// MORTALHIL_PROPERTY_SECONDS, default 8; the longer run is documented in docs/results/robustness/README.md).
/// Seeds of failures found are kept in <see cref="Regressions"/> and replayed first.
/// </summary>
public sealed class HostilePropertyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "mortalhil-props-" + Guid.NewGuid().ToString("N"));

    public HostilePropertyTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static int Seconds => int.TryParse(Environment.GetEnvironmentVariable("MORTALHIL_PROPERTY_SECONDS"), out var s) && s > 0 ? s : 8;

    /// <summary>Seeds CsCheck reported for failures, replayed before the timed run.</summary>
    private static readonly string[] Regressions = [];

    private static readonly string[] HostileValues =
    [
        "NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e-320", "-1", "0", "-0", "", " ", "x", "1e6", "1e-9", "2147483648", "-2147483649",
        "99999999999999999999", "0x10", "1,5", "49--10", "49-16-10-x", "\0", "../../etc/passwd", "/dev/zero", "sim:/dev/zero:1", "idx:/dev/zero",
    ];

    /// <summary>Commands that stop at an input stage after their options are accepted (no training, no serving, no network).</summary>
    private string[][] Commands() =>
    [
        ["train", "--board", "sim:ideal:1", "--dataset", "idx:" + Path.Combine(_dir, "no-data"), "--db", Path.Combine(_dir, "runs.db"), "--out", Path.Combine(_dir, "train")],
        ["eval", "--board", "simfile:" + Path.Combine(_dir, "none.board"), "--dataset", "idx:" + Path.Combine(_dir, "no-data")],
        ["handover", "--teacher", "simfile:" + Path.Combine(_dir, "none.board"), "--student", "sim:ideal:2", "--journal", Path.Combine(_dir, "j.db"), "--out", Path.Combine(_dir, "h"),
            "--dataset", "idx:" + Path.Combine(_dir, "no-data")],
        ["demo", "--out", Path.Combine(_dir, "demo"), "--dataset", "idx:" + Path.Combine(_dir, "no-data")],
        ["experiment", "mortality", "--out", Path.Combine(_dir, "em"), "--dataset", "idx:" + Path.Combine(_dir, "no-data")],
        ["characterize", "--board", "sim:nosuch:1", "--out", Path.Combine(_dir, "c")],
        ["stress", Path.Combine(_dir, "none.json"), "--out", Path.Combine(_dir, "s")],
        ["runs", "--db", Path.Combine(_dir, "runs.db")],
        ["boards"],
    ];

    private static Command Find(Command root, IEnumerable<string> path)
    {
        var c = root;
        foreach (var name in path.TakeWhile(t => !t.StartsWith('-') && !t.Contains('/')))
            c = c.Subcommands.FirstOrDefault(s => s.Name == name) ?? c;
        return c;
    }

    [Fact]
    public void Any_option_given_any_hostile_value_ends_in_a_documented_code_without_a_stack_trace()
    {
        var commands = Commands();
        var root = Program.BuildRoot();
        var gen =
            from ci in Gen.Int[0, commands.Length - 1]
            let options = Find(root, commands[ci]).Options.Where(o => o.Name is not "--help" and not "--version" and not "-h").ToArray()
            from oi in Gen.Int[0, Math.Max(0, options.Length - 1)]
            from vi in Gen.Int[0, HostileValues.Length - 1]
            from numeric in Gen.Double
            from useNumeric in Gen.Bool
            select (Command: ci, Option: options.Length == 0 ? "--help" : options[oi].Name,
                Value: useNumeric ? numeric.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : HostileValues[vi]);
        void Check((int Command, string Option, string Value) c)
        {
            var args = commands[c.Command].ToList();
            int at = args.IndexOf(c.Option);
            if (at >= 0) args[at + 1] = c.Value;
            else args.AddRange([c.Option, c.Value]);
            AssertClean(Run([.. args]));
        }
        foreach (var seed in Regressions) gen.Sample(Check, seed: seed, iter: 1, threads: 1);
        gen.Sample(Check, time: Seconds, threads: 1);
    }

    [Fact]
    public void A_mutated_preset_is_accepted_valid_or_refused_as_bad_input()
    {
        var json = DevicePresetJson.Serialize(BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 1, Rows = 8, Columns = 8 } });
        var numbers = System.Text.RegularExpressions.Regex.Matches(json, @"-?\d+(\.\d+)?([eE][-+]?\d+)?").Select(m => (m.Index, m.Length)).ToArray();
        var gen =
            from which in Gen.Int[0, numbers.Length - 1]
            from vi in Gen.Int[0, HostileValues.Length - 1]
            from kind in Gen.Int[0, 3]
            select (which, vi, kind);
        void Check((int Which, int Value, int Kind) c)
        {
            var (at, length) = numbers[c.Which];
            string text = c.Kind switch
            {
                0 => json[..at] + HostileValues[c.Value] + json[(at + length)..],                      // a hostile number
                1 => json[..at] + "\"" + HostileValues[c.Value] + "\"" + json[(at + length)..],        // a string where a number goes
                2 => json[..Math.Min(json.Length, at)],                                                // truncated
                _ => json.Insert(json.IndexOf('{') + 1, json[(json.IndexOf('{') + 1)..json.IndexOf(',')] + ","), // a key given twice
            };
            try
            {
                DevicePresetValidator.Validate(DevicePresetJson.Deserialize(text));
            }
            catch (Exception e)
            {
                var failure = ErrorClassifier.Classify(e);
                Assert.True(failure.Code == ExitCodes.BadInput, $"{e.GetType().Name}: {e.Message} for {text}");
            }
            if (c.Kind == 3) Assert.Throws<System.Text.Json.JsonException>(() => DevicePresetJson.Deserialize(text));
        }
        gen.Sample(Check, time: Seconds, threads: 1);
    }

    [Fact]
    public void A_mutated_board_file_is_never_accepted_and_always_named()
    {
        byte[] original;
        using (var board = SimulatedBoard.Create(BuiltInPresets.ReRam with { Geometry = new GeometrySpec { Tiles = 1, Rows = 16, Columns = 8 } }, "prop", 1))
        using (var memory = new MemoryStream())
        {
            board.Save(memory);
            original = memory.ToArray();
        }
        var gen =
            from kind in Gen.Int[0, 3]
            from at in Gen.Int[0, original.Length - 1]
            from bit in Gen.Int[0, 7]
            from extra in Gen.Byte.Array[1, 16]
            select (kind, at, bit, extra);
        void Check((int Kind, int At, int Bit, byte[] Extra) c)
        {
            byte[] bytes = c.Kind switch
            {
                0 => Flip(original, c.At, c.Bit),
                1 => original[..c.At],
                2 => [.. original, .. c.Extra],
                _ => [.. original[..c.At], .. c.Extra, .. original[c.At..]],
            };
            var e = Assert.Throws<MortalHil.Core.Files.CorruptFileException>(() => SimulatedBoard.Load(new MemoryStream(bytes), "mutated.board"));
            Assert.Contains("mutated.board", e.Message);
            Assert.Equal(ExitCodes.BadInput, ErrorClassifier.Classify(e).Code);
        }
        gen.Sample(Check, time: Seconds, threads: 1);
    }

    private static byte[] Flip(byte[] a, int at, int bit)
    {
        var copy = (byte[])a.Clone();
        copy[at] ^= (byte)(1 << bit);
        return copy;
    }
}

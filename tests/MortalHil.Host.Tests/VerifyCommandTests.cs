using MortalHil.Core.Files;
using MortalHil.Host.Cli;
using MortalHil.Sim;
using MortalHil.Sim.Presets;

namespace MortalHil.Host.Tests;

[Collection(ConsoleOutputCollection.Name)]
public sealed class VerifyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mortalhil-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        var before = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            int code = CliRunner.Run(Program.BuildRoot(), args, err);
            return (code, output.ToString(), err.ToString());
        }
        finally
        {
            Console.SetOut(before);
        }
    }

    [Fact]
    public void Good_results_and_boards_pass_and_a_changed_byte_in_either_fails_with_exit_2()
    {
        string result = Path.Combine(_dir, "train.json");
        StampedJson.Write(result, """{"test_accuracy": 0.9, "algo": "np"}""", "train", 1);
        string board = Path.Combine(_dir, "board.json"); // saved boards are binary whatever their name
        using (var b = SimulatedBoard.Create(BuiltInPresets.Ideal, "7")) b.Save(board);
        File.WriteAllText(Path.Combine(_dir, "notes.csv"), "a,b\n1,2\n");
        string table = Path.Combine(_dir, "mortal.csv");
        StampedCsv.Write(table, "method,accuracy\ncopy,0.5\n", "mortal", 1);

        var (code, output, _) = Run("verify", _dir);
        Assert.Equal(0, code);
        Assert.Contains("train v1", output);
        Assert.Contains("board.json: board", output);
        Assert.Contains("mortal-csv v1", output);
        Assert.Contains("3 passed, 0 failed, 1 without a checksum", output);

        File.WriteAllText(table, File.ReadAllText(table).Replace("0.5", "0.6"));
        (code, output, _) = Run("verify", table);
        Assert.Equal(CliRunner.UsageError, code);
        Assert.Contains("0 passed, 1 failed", output);

        File.WriteAllText(result, File.ReadAllText(result).Replace("0.9", "0.8"));
        var bytes = File.ReadAllBytes(board);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(board, bytes);
        (code, output, var err) = Run("verify", result, board);
        Assert.Equal(CliRunner.UsageError, code);
        Assert.Contains("0 passed, 2 failed", output);
        Assert.StartsWith("error:", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_named_file_without_a_checksum_fails_and_a_missing_path_is_refused()
    {
        string plain = Path.Combine(_dir, "plain.json");
        File.WriteAllText(plain, """{"a": 1}""");
        Assert.Equal(CliRunner.UsageError, Run("verify", plain).Code);
        string fifo = Path.Combine(_dir, "pipe.json");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) Assert.True(mkfifo.WaitForExit(10_000) && mkfifo.ExitCode == 0, "mkfifo failed");
        Assert.Equal(CliRunner.UsageError, Run("verify", fifo).Code); // refused, not waited on
        Assert.Equal(CliRunner.UsageError, Run("verify", Path.Combine(_dir, "nothing-here")).Code);
    }
}

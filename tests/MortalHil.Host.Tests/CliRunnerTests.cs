using MortalHil.Host;
using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests;

public class CliRunnerTests
{
    private static (int Code, string Err) Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return (code, err.ToString());
    }

    [Fact]
    public void An_unknown_command_is_one_line_and_exit_code_2()
    {
        var (code, err) = Run("frobnicate");
        Assert.Equal(CliRunner.UsageError, code);
        Assert.StartsWith("error:", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Boards_lists_spec_forms_and_succeeds()
        => Assert.Equal(0, Run("boards").Code);

    [Fact]
    public void An_unknown_preset_is_refused_by_name_with_exit_code_2()
    {
        var (code, err) = Run("boards", "--preset", "unobtainium");
        Assert.Equal(CliRunner.UsageError, code);
        Assert.StartsWith("error: unknown preset 'unobtainium'", err);
        Assert.Single(err.TrimEnd().Split('\n'));
    }
}

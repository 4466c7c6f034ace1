using MortalHil.Host.Cli;

namespace MortalHil.Host.Tests.Robustness;

/// <summary>Runs the program in-process and checks the error conventions every outcome must keep.</summary>
internal static class CliHarness
{
    public sealed record Outcome(int Code, string Err)
    {
        public override string ToString() => $"exit {Code}: {Err}";
    }

    public static Outcome Run(params string[] args)
    {
        var err = new StringWriter();
        int code = CliRunner.Run(Program.BuildRoot(), args, err);
        return new Outcome(code, err.ToString());
    }

    /// <summary>A refusal: the given code, exactly one line on stderr that starts with "error:" and holds no stack trace.</summary>
    public static void AssertRefused(Outcome o, int code, string? mentions = null)
    {
        Assert.True(o.Code == code, $"expected exit {code}, got {o}");
        AssertClean(o);
        Assert.StartsWith("error:", o.Err);
        if (mentions is not null) Assert.Contains(mentions, o.Err);
    }

    /// <summary>Whatever happened, it was one of the documented exit codes, never an internal error, and stderr holds no stack trace.</summary>
    public static void AssertClean(Outcome o)
    {
        Assert.True(ExitCodes.Documented.Contains(o.Code) && o.Code != ExitCodes.InternalError, $"undocumented or internal exit: {o}");
        Assert.DoesNotContain("   at ", o.Err);
        Assert.DoesNotContain("Exception:", o.Err);
        var errorLines = o.Err.Split('\n').Count(l => l.StartsWith("error:", StringComparison.Ordinal));
        if (o.Code != 0) Assert.True(errorLines == 1, $"expected one error line: {o}");
    }
}

using MortalHil.Host.Cli;
using static MortalHil.Host.Tests.Robustness.CliHarness;

namespace MortalHil.Host.Tests.Community;

/// <summary><c>experiment community</c> refuses bad input with one error line and exit 2, before reading any data or writing any file.</summary>
public sealed class ExperimentCommunityInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("community-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--boards", "1", "--boards")]
    [InlineData("--boards", "2,eleven", "eleven")]
    [InlineData("--shards", "skewed,sideways", "sideways")]
    [InlineData("--preset", "no-such-preset", "no-such-preset")]
    [InlineData("--skew", "1.5", "--skew")]
    [InlineData("--bits", "0", "--bits")]
    [InlineData("--shard-examples", "8", "--shard-examples")]
    public void Bad_input_is_refused_before_any_work(string option, string value, string mentions)
    {
        var outDir = Path.Combine(_dir, "out");
        AssertRefused(Run("experiment", "community", "--out", outDir, option, value, "--data-dir", Path.Combine(_dir, "no-data")), ExitCodes.BadInput, mentions);
        Assert.False(File.Exists(Path.Combine(outDir, "community.json")));
    }
}

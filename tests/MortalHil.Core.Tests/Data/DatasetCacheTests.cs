using MortalHil.Core.Data;

namespace MortalHil.Core.Tests.Data;

public class DatasetCacheTests
{
    /// <summary>A source that writes given bytes (optionally gzipped) or fails.</summary>
    private sealed class FakeSource(string name, Func<string, byte[]>? content, bool gzip = false) : IDatasetSource
    {
        public int Calls { get; private set; }
        public string Description => name;
        public Task FetchAsync(DatasetFiles files, string stagingDirectory, TextWriter log, CancellationToken cancellationToken)
        {
            Calls++;
            if (content is null) throw new IOException($"{name} is unreachable");
            foreach (var f in files.Md5ByFileName.Keys)
                File.WriteAllBytes(Path.Combine(stagingDirectory, gzip ? f + ".gz" : f), gzip ? SyntheticIdx.Gzip(content(f)) : content(f));
            return Task.CompletedTask;
        }
    }

    private static readonly Dictionary<string, byte[]> Contents = new()
    {
        ["a-idx1-ubyte"] = SyntheticIdx.Labels(7, 1),
        ["b-idx1-ubyte"] = SyntheticIdx.Labels(9, 2),
    };

    private static DatasetFiles Files(string? wrongMd5For = null) => new("tiny", Contents.ToDictionary(
        kv => kv.Key,
        kv => kv.Key == wrongMd5For ? "00000000000000000000000000000000" : Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(kv.Value))));

    [Fact]
    public void The_first_source_that_delivers_verified_files_fills_the_cache_and_later_calls_do_not_fetch()
    {
        using var root = new TempDirectory();
        var dead = new FakeSource("mirror", null);
        var npm = new FakeSource("npm", f => Contents[f], gzip: true);
        var dir = DatasetCache.Ensure(Files(), root.Path, [dead, npm], TextWriter.Null);
        Assert.Equal(Path.Combine(root.Path, "tiny"), dir);
        Assert.Equal(Contents["a-idx1-ubyte"], File.ReadAllBytes(Path.Combine(dir, "a-idx1-ubyte")));
        Assert.Equal(["a-idx1-ubyte", "b-idx1-ubyte"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
        DatasetCache.Ensure(Files(), root.Path, [dead, npm], TextWriter.Null);
        Assert.Equal(1, npm.Calls);
    }

    [Fact]
    public void A_file_with_the_wrong_md5_is_never_placed_and_the_next_source_is_tried()
    {
        using var root = new TempDirectory();
        var corrupt = new FakeSource("corrupt", f => f == "b-idx1-ubyte" ? SyntheticIdx.Labels(9, 99) : Contents[f]);
        var good = new FakeSource("good", f => Contents[f]);
        var log = new StringWriter();
        DatasetCache.Ensure(Files(), root.Path, [corrupt, good], log);
        Assert.Contains("MD5", log.ToString());
        Assert.Equal(1, good.Calls);
        Assert.Equal(Contents["b-idx1-ubyte"], File.ReadAllBytes(Path.Combine(root.Path, "tiny", "b-idx1-ubyte")));
    }

    [Fact]
    public void When_nothing_is_reachable_the_error_names_every_source_and_says_what_to_do_and_nothing_is_left_behind()
    {
        using var root = new TempDirectory();
        var e = Assert.Throws<DatasetUnavailableException>(() =>
            DatasetCache.Ensure(Files(wrongMd5For: "a-idx1-ubyte"), root.Path,
                [new FakeSource("mirror-1", null), new FakeSource("npm", f => Contents[f])], TextWriter.Null));
        Assert.Contains("mirror-1", e.Message);
        Assert.Contains("npm", e.Message);
        Assert.Contains("MORTALHIL_DATA", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(root.Path, "tiny")));
    }

    [Fact]
    public void The_data_root_prefers_the_explicit_directory()
    {
        Assert.Equal(Path.GetFullPath("/tmp/x-data"), DatasetCache.ResolveRoot("/tmp/x-data"));
    }
}

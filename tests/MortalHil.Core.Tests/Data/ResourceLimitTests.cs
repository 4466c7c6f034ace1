using MortalHil.Core.Data;
using MortalHil.Core.Files;

namespace MortalHil.Core.Tests.Data;

/// <summary>Input files are refused at their stated size limit, before memory runs out, with the limit in the error.</summary>
public class ResourceLimitTests
{
    [Fact]
    public void An_idx_file_linked_to_dev_zero_is_refused_at_once_naming_it()
    {
        using var dir = new TempDirectory();
        var link = dir.Sub("train-images-idx3-ubyte");
        File.CreateSymbolicLink(link, "/dev/zero");
        var e = Assert.Throws<FileTooLargeException>(() => IdxFile.Read(link));
        Assert.Contains(link, e.Message);
        Assert.Contains("not a regular file", e.Message);
    }

    [Fact]
    public void A_gzip_bomb_stops_at_the_decompressed_size_limit()
    {
        using var dir = new TempDirectory();
        var bomb = dir.Sub("bomb-idx1-ubyte.gz");
        File.WriteAllBytes(bomb, SyntheticIdx.Gzip(new byte[4 << 20])); // 4 MiB of zeros in about 4 kB
        Assert.True(new FileInfo(bomb).Length < 64 << 10);
        var e = Assert.Throws<FileTooLargeException>(() => IdxFile.Read(bomb, maxBytes: 1 << 20));
        Assert.Contains("1,048,576 bytes", e.Message);
        Assert.Contains(bomb, e.Message);
    }

    [Fact]
    public void A_file_larger_than_the_limit_is_refused_before_it_is_read()
    {
        using var dir = new TempDirectory();
        var big = dir.Sub("big.json");
        using (var f = File.Create(big)) f.SetLength(BoundedRead.TextFileBytes + 1); // sparse: nothing to read
        var e = Assert.Throws<FileTooLargeException>(() => BoundedRead.Text(big));
        Assert.Contains("16 MiB", e.Message);
    }

    [Fact]
    public void Decompressing_into_the_cache_stops_at_the_limit_not_after()
    {
        Assert.Equal(1L << 30, BoundedRead.DataFileBytes); // the README states 1 GiB
        var output = new MemoryStream();
        using var zeros = new System.IO.Compression.GZipStream(new MemoryStream(SyntheticIdx.Gzip(new byte[3 << 20])), System.IO.Compression.CompressionMode.Decompress);
        var e = Assert.Throws<FileTooLargeException>(() => BoundedRead.CopyAtMost(zeros, output, 2 << 20, "bomb.gz"));
        Assert.InRange(output.Length, (2 << 20) - (64 << 10), 2 << 20); // stopped within one buffer of the limit, never past it
        Assert.Contains("bomb.gz", e.Message);
    }
}

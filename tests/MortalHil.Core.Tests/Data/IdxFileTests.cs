using MortalHil.Core.Data;

namespace MortalHil.Core.Tests.Data;

public class IdxFileTests
{
    [Fact]
    public void An_encoded_file_parses_back_to_the_same_dimensions_and_bytes()
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        var file = IdxFile.Parse("x", IdxFile.Encode([2, 3, 4], data));
        Assert.Equal([2, 3, 4], file.Dimensions);
        Assert.Equal(data, file.Data);
    }

    [Fact]
    public void A_truncated_file_is_refused_with_its_name()
    {
        using var dir = new TempDirectory();
        var bytes = SyntheticIdx.Images(5, 28, 1);
        var path = dir.Sub("train-images-idx3-ubyte");
        File.WriteAllBytes(path, bytes[..^100]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_file_with_trailing_bytes_is_refused()
    {
        var bytes = SyntheticIdx.Labels(5, 1).Concat(new byte[] { 1, 2 }).ToArray();
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Parse("labels", bytes));
        Assert.Contains("unexpected bytes", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x12, 0x34, 0x08, 0x01 }, "not an IDX file")]
    [InlineData(new byte[] { 0x00, 0x00, 0x0D, 0x01 }, "element type")]
    [InlineData(new byte[] { 0x00, 0x00, 0x08, 0x09 }, "dimensions")]
    [InlineData(new byte[] { 0x00, 0x00 }, "too short")]
    [InlineData(new byte[] { 0x00, 0x00, 0x08, 0x03, 0x00, 0x00 }, "truncated inside its header")]
    public void A_bad_header_is_refused_with_a_reason(byte[] bytes, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Parse("f", bytes));
        Assert.Contains(reason, e.Message);
        Assert.Contains("'f'", e.Message);
    }

    [Fact]
    public void A_gzipped_file_reads_the_same_as_the_raw_one()
    {
        using var dir = new TempDirectory();
        var bytes = SyntheticIdx.Images(3, 28, 7);
        File.WriteAllBytes(dir.Sub("raw"), bytes);
        File.WriteAllBytes(dir.Sub("raw.gz"), SyntheticIdx.Gzip(bytes));
        Assert.Equal(IdxFile.Read(dir.Sub("raw")).Data, IdxFile.Read(dir.Sub("raw.gz")).Data);
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_an_invalid_data_error_naming_the_file()
    {
        using var dir = new TempDirectory();
        var gz = SyntheticIdx.Gzip(SyntheticIdx.Images(30, 28, 7));
        File.WriteAllBytes(dir.Sub("bad.gz"), gz[..(gz.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(dir.Sub("bad.gz")));
        Assert.Contains("bad.gz", e.Message);
    }
}

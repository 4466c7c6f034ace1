using MortalHil.Core.Files;

namespace MortalHil.Core.Tests.Files;

public sealed class StampedCsvTests
{
    private const string Table = "method,accuracy\ncopy,0.5468\ndistil,0.9077\n";

    [Fact]
    public void A_stamped_table_verifies_and_keeps_its_rows_exactly()
    {
        string text = StampedCsv.Stamp(Table, "mortal", 3);
        Assert.StartsWith("# mortalhil mortal csv version 3 checksum xxh64:", text);
        Assert.EndsWith("\n" + Table, text);
        Assert.Equal(("mortal", 3), StampedCsv.Verify(text));
    }

    [Theory]
    [InlineData("0.9077", "0.9078")] // a changed cell
    [InlineData("copy,0.5468\n", "")] // a dropped row
    [InlineData("\n", "\r\n")] // re-saved with other line endings
    [InlineData("version 3", "version 4")] // a changed version
    [InlineData("# mortalhil", "#mortalhil")] // a damaged stamp line
    public void Any_change_is_refused(string from, string to)
    {
        string text = StampedCsv.Stamp(Table, "mortal", 3);
        int at = from.StartsWith('#') || from.StartsWith("version") ? text.IndexOf(from, StringComparison.Ordinal) : text.LastIndexOf(from, StringComparison.Ordinal);
        string changed = text[..at] + to + text[(at + from.Length)..];
        Assert.Throws<InvalidDataException>(() => StampedCsv.Verify(changed));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => StampedCsv.Stamp(Table, "two words", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => StampedCsv.Stamp(Table, "mortal", 0));
        Assert.Throws<ArgumentException>(() => StampedCsv.Stamp("# a comment\n" + Table, "mortal", 1));
        Assert.Throws<InvalidDataException>(() => StampedCsv.Verify(Table));
    }

    [Fact]
    public void Write_is_atomic_and_leaves_only_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("mortalhil-csv-");
        try
        {
            string path = Path.Combine(dir.FullName, "t.csv");
            StampedCsv.Write(path, Table, "learning", 1);
            Assert.Equal(("learning", 1), StampedCsv.Verify(File.ReadAllText(path)));
            Assert.Equal(["t.csv"], dir.GetFiles().Select(f => f.Name));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

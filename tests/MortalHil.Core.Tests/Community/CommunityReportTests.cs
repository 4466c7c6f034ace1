using MortalHil.Core.Community;
using MortalHil.Core.Files;

namespace MortalHil.Core.Tests.Community;

public class CommunityReportTests
{
    private static readonly CommunityPoint[] Points =
    [
        new(SharingMethod.DigitalWeightAveraging, ShardKind.Skewed, 2, 0, 1, 1000, 1000, 0.8f, 0.9f, 0.7f, 0),
        new(SharingMethod.MutualDistillation, ShardKind.Balanced, 2, 1, 1, 640, 123.5, 0.5f, 0.5f, float.NaN, 42),
    ];

    [Fact]
    public void Written_files_carry_version_and_a_checksum_that_catches_a_changed_number()
    {
        var dir = Directory.CreateTempSubdirectory("community-report-");
        try
        {
            CommunityReport.Write(dir.FullName, Points, CommunityFixture.Settings(), "--boards 2", 1.5);
            foreach (var name in new[] { "community.json", "community.csv" })
            {
                var path = Path.Combine(dir.FullName, name);
                var text = File.ReadAllText(path);
                CommunityReport.Verify(path, text);
                Assert.Contains("version", text);
                var tampered = text.Replace("0.8", "0.9");
                Assert.NotEqual(text, tampered);
                Assert.Throws<CorruptFileException>(() => CommunityReport.Verify(path, tampered));
            }
            Assert.Equal(2, Directory.GetFiles(dir.FullName).Length); // no temporary files left behind
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void A_written_csv_reads_back_as_the_same_points_and_a_tampered_one_is_refused()
    {
        var points = Points.Append(new CommunityPoint(SharingMethod.MortalAlone, ShardKind.Balanced, 2, 0, 2, 0, 0, 0.61f, 0.61f, float.NaN, 7, 1234)).ToArray();
        string csv = CommunityReport.Csv(points);

        var read = CommunityReport.ReadCsv("community.csv", csv);

        Assert.Equal(points.Length, read.Count);
        foreach (var (a, b) in points.Zip(read))
        {
            Assert.Equal((a.Method, a.Shards, a.Boards, a.Board, a.Round, a.BitsSent, a.InformationBits, a.Accuracy, a.Pulses, a.NetworkBits),
                (b.Method, b.Shards, b.Boards, b.Board, b.Round, b.BitsSent, b.InformationBits, b.Accuracy, b.Pulses, b.NetworkBits));
            Assert.Equal(float.IsNaN(a.AwayAccuracy), float.IsNaN(b.AwayAccuracy));
        }
        Assert.Throws<CorruptFileException>(() => CommunityReport.ReadCsv("community.csv", csv.Replace("0.61", "0.71")));
        // An empty or foreign file is refused as not ours, not with a parser's message.
        foreach (var foreign in new[] { "", "not json at all", "{" })
            Assert.Contains("neither a community CSV nor a community JSON", Assert.Throws<CorruptFileException>(() => CommunityReport.ReadCsv("x.csv", foreign)).Message);
    }
}

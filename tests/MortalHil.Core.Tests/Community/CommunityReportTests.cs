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
}

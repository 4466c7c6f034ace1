using System.Text.Json.Nodes;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Tests.Data;

namespace MortalHil.Core.Tests.Learning;

/// <summary>Network files carry a version and a checksum, like board files: a changed number is refused, whitespace is not a change.</summary>
public class NetworkFileChecksumTests
{
    private static (FakeCrossbar Board, string Path, TempDirectory Dir) Saved()
    {
        var board = new FakeCrossbar(FakePhysics.Ideal);
        var (train, _) = SyntheticTask.Split(16, 4, 64, 1, 1);
        var net = NetworkMapper.Map(board, NetworkShape.Parse("16-8-4"), new MappingOptions(), train.Inputs, 64);
        var dir = new TempDirectory();
        var path = dir.Sub("board.net.json");
        MappedNetworkStore.Save(net, path);
        return (board, path, dir);
    }

    [Fact]
    public void A_saved_network_states_its_version_and_checksum()
    {
        var (_, path, dir) = Saved();
        using var _ = dir;
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(MappedNetworkStore.FormatVersion, (int)json["format_version"]!);
        Assert.StartsWith("xxh64:", (string)json["checksum"]!);
    }

    [Fact]
    public void One_changed_bias_is_refused_naming_the_file()
    {
        var (board, path, dir) = Saved();
        using var _ = dir;
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["layers"]![0]!["bias"]![0] = 0.125f;
        File.WriteAllText(path, json.ToJsonString());
        var e = Assert.Throws<InvalidDataException>(() => MappedNetworkStore.Load(board, path));
        Assert.Contains("checksum", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Reformatting_keeps_the_checksum_and_a_version_1_file_without_one_still_loads()
    {
        var (board, path, dir) = Saved();
        using var _ = dir;
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        File.WriteAllText(path, json.ToJsonString()); // no indentation: same content
        Assert.NotNull(MappedNetworkStore.Load(board, path));
        json["format_version"] = MappedNetworkStore.UncheckedFormatVersion;
        json.AsObject().Remove("checksum");
        File.WriteAllText(path, json.ToJsonString());
        Assert.NotNull(MappedNetworkStore.Load(board, path));
    }
}

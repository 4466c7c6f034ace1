using System.Text.Json;
using System.Text.Json.Serialization;
using MortalHil.Core.Community;

namespace MortalHil.Fleet.Community;

/// <summary>
/// What a node needs to host one board of a community: the settings, which community and which board, where the node
/// finds its data (each node reads its own copy of the dataset and deals the same shards, so no training data crosses
/// the network), and the board to open there.
/// </summary>
/// <param name="Settings">The community's settings.</param>
/// <param name="Method">How the community shares.</param>
/// <param name="Boards">K.</param>
/// <param name="Kind">Balanced or skewed shards.</param>
/// <param name="Index">This board's index (its shard).</param>
/// <param name="Dataset">A <c>--dataset</c> value (mnist, idx:DIR).</param>
/// <param name="DataDir">The node's data cache root (null: its default).</param>
/// <param name="Downsample">Average-pooling factor applied to the images.</param>
/// <param name="BoardSpec">The board to open on the node (e.g. sim:reram:SERIAL); unused by digital replicas.</param>
public sealed record CommunityJoin(CommunitySettings Settings, SharingMethod Method, int Boards, ShardKind Kind, int Index, string Dataset, string? DataDir,
    int Downsample, string BoardSpec)
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() } };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    public static CommunityJoin FromBytes(byte[] bytes) =>
        JsonSerializer.Deserialize<CommunityJoin>(bytes, Options) ?? throw new InvalidDataException("empty community join");
}

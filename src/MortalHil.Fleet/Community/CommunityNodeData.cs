using System.Collections.Concurrent;
using MortalHil.Core.Community;
using MortalHil.Core.Data;

namespace MortalHil.Fleet.Community;

/// <summary>
/// A node's own copy of a community's data: the dataset read once per process from the node's cache, and each
/// community's shards dealt from it exactly as the hub's process would deal them (<see cref="CommunityTask.Build"/>).
/// </summary>
internal static class CommunityNodeData
{
    private static readonly ConcurrentDictionary<(string, string?, int), Lazy<ImageDataset>> Datasets = new();
    private static readonly ConcurrentDictionary<(string, string?, int, int, ShardKind, string), Lazy<CommunityTask>> Tasks = new();

    public static CommunityTask Task(CommunityJoin j) =>
        Tasks.GetOrAdd((j.Dataset, j.DataDir, j.Downsample, j.Boards, j.Kind, System.Text.Json.JsonSerializer.Serialize(j.Settings)), _ => new Lazy<CommunityTask>(() =>
        {
            var data = Dataset(j);
            return CommunityTask.Build(data.Train, data.Test, j.Boards, j.Kind, j.Settings);
        })).Value;

    private static ImageDataset Dataset(CommunityJoin j) =>
        Datasets.GetOrAdd((j.Dataset, j.DataDir, j.Downsample), _ => new Lazy<ImageDataset>(() =>
        {
            var raw = DatasetSpec.Parse(j.Dataset).Load(j.DataDir, TextWriter.Null);
            return ImagePreprocessing.Prepare(raw, j.Downsample, PixelNormalization.UnitRange);
        })).Value;
}

using MortalHil.Core.Data;
using MortalHil.Core.Devices;

namespace MortalHil.Core.Community;

/// <summary>A community in this process: shards dealt from <paramref name="data"/>, boards opened by <paramref name="openBoard"/> (a fresh board per name).</summary>
public sealed class LocalCommunity(ImageDataset data, CommunitySettings s, Func<string, IDevice> openBoard) : ICommunityPlace
{
    private readonly Dictionary<(int, ShardKind), CommunityTask> _tasks = [];

    public Func<Task<long>>? NetworkBytes => null;

    public CommunityHub.Join Joiner(SharingMethod method, int boards, ShardKind kind, string boardTag)
    {
        if (!_tasks.TryGetValue((boards, kind), out var task)) _tasks[(boards, kind)] = task = CommunityTask.Build(data.Train, data.Test, boards, kind, s);
        return (b, start) => Task.FromResult(CommunityPeers.Create(method, task, s, b, start, () => openBoard($"{boardTag}-{b}")));
    }

    public Task DismissAsync(SharingMethod method, int boards, ShardKind kind) => Task.CompletedTask;
}

/// <summary>The peer a board of a community is, by the way it shares: the one place that decides (in-process and on a fleet's nodes).</summary>
public static class CommunityPeers
{
    public static ICommunityPeer Create(SharingMethod method, CommunityTask task, CommunitySettings s, int index, byte[]? startWeights, Func<IDevice> openBoard)
    {
        if (method == SharingMethod.DigitalWeightAveraging) return new DigitalPeer(index, task, s);
        return new MortalPeer(MortalMember.Join(openBoard(), index, s, task.Shards[index], startWeights), task, s);
    }

    /// <summary>The name a community's boards carry: fresh boards per way of sharing, except the control, which gets mutual distillation's boards (so both start alike).</summary>
    public static string BoardTag(SharingMethod method, int boards, ShardKind kind) =>
        $"community-{method switch { SharingMethod.ConductanceAveraging => "average", SharingMethod.DigitalWeightAveraging => "digital", _ => "distil" }}-{boards}-{kind.ToString().ToLowerInvariant()}";
}

using MortalHil.Core.Devices;
using MortalHil.Core.Learning.Chains;
using MortalHil.Core.Learning.Mapping;

namespace MortalHil.Core.Community;

/// <summary>
/// Mortal boards trying to share the way digital replicas do: all start from one board's measured weights
/// programmed onto the others; each round every board trains on its shard, its weights are read back through
/// <see cref="IDevice"/>'s conductance measurement (what a real board offers) and sent to the hub as float32, and
/// the mean is programmed back onto every board (program-and-verify) with the mean of the host-side biases. Whatever
/// the boards' differences do to that mean is what this measures.
/// </summary>
public static class ConductanceAveraging
{
    public static IReadOnlyList<CommunityPoint> Run(CommunityTask task, IReadOnlyList<IDevice> boards, CommunitySettings s, Action<CommunityPoint>? progress = null)
    {
        if (boards.Count != task.Boards) throw new ArgumentException($"{boards.Count} boards for {task.Boards} shards");
        return new CommunityHub(s, task.Kind, task.Classes).RunAsync(SharingMethod.ConductanceAveraging, task.Boards,
            (b, start) => Task.FromResult(CommunityPeers.Create(SharingMethod.ConductanceAveraging, task, s, b, start, () => boards[b])), progress).GetAwaiter().GetResult();
    }

    /// <summary>Measures every board's weights, and programs their mean (and the mean bias) onto every board: one exchange of the hub, in place.</summary>
    public static void Average(IReadOnlyList<MortalMember> members, CommunityTask task, CommunitySettings s)
    {
        var peers = members.Select(m => new MortalPeer(m, task, s)).ToArray();
        var uploads = peers.Select(p => CommunityMessages.Floats(p.WeightsAsync().GetAwaiter().GetResult())).ToArray();
        var mean = new float[uploads[0].Length];
        for (int i = 0; i < mean.Length; i++)
        {
            double sum = 0;
            foreach (var u in uploads) sum += u[i];
            mean[i] = (float)(sum / uploads.Length);
        }
        var message = CommunityMessages.Floats(mean);
        foreach (var p in peers)
        {
            p.ReceiveAsync(message).GetAwaiter().GetResult();
            p.AdoptAsync().GetAwaiter().GetResult();
        }
    }
}

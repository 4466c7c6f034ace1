using MortalHil.Core.Devices;
using MortalHil.Core.Learning;
using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Core.Community;

/// <summary>
/// Mortal boards sharing by mutual distillation of soft targets (Hinton et al. 2015; online distillation, Anil et al.
/// 2018): each round every board runs the common unlabelled transfer set through itself and uploads its softened
/// outputs, each value quantised by <see cref="SoftTargetCodec"/> as a <c>handover</c> lesson is; the hub sends each
/// board the mean of the <i>other</i> boards' distributions, quantised again; each board then learns on its own
/// board from those targets, interleaved with its own labels. Nothing about a board but its outputs leaves it, so
/// the boards need not be alike.
/// </summary>
public static class MutualDistillation
{
    public static IReadOnlyList<CommunityPoint> Run(CommunityTask task, IReadOnlyList<IDevice> boards, CommunitySettings s, Action<CommunityPoint>? progress = null)
    {
        if (boards.Count != task.Boards) throw new ArgumentException($"{boards.Count} boards for {task.Boards} shards");
        return new CommunityHub(s, task.Kind, task.Classes).RunAsync(SharingMethod.MutualDistillation, task.Boards,
            (b, start) => Task.FromResult(CommunityPeers.Create(SharingMethod.MutualDistillation, task, s, b, start, () => boards[b])), progress).GetAwaiter().GetResult();
    }
}

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
        s.Validate();
        if (boards.Count != task.Boards) throw new ArgumentException($"{boards.Count} boards for {task.Boards} shards");
        int k = task.Boards;
        var members = Enumerable.Range(0, k).Select(b => MortalMember.Join(boards[b], b, s, task.Shards[b])).ToArray();
        var codec = new SoftTargetCodec(s.QuantisationBits);
        var points = new List<CommunityPoint>();
        double sent = 0, information = 0;
        for (int round = 0; round <= s.Rounds; round++)
        {
            if (round == 0)
                foreach (var member in members) member.Learn(s.LocalEpochs, s.Batch, DigitalWeightAveraging.SeedFor(s.Seed, round, member.Index));
            else
            {
                var (targets, roundSent, roundInformation) = Exchange(members, task, codec, s.Temperature, s.Batch);
                sent += roundSent;
                information += roundInformation;
                foreach (var member in members)
                    member.Learn(s.LocalEpochs, s.Batch, DigitalWeightAveraging.SeedFor(s.Seed, round, member.Index), task.Transfer, targets[member.Index], s.DistilEpochs);
            }
            foreach (var member in members)
            {
                var (all, home, away) = ClassSplitAccuracy.Of(member.Network, task.Test, task.HomeClasses(member.Index), s.TestLimit);
                var p = new CommunityPoint(SharingMethod.MutualDistillation, task.Kind, k, member.Index, round, sent, information, all, home, away, member.Pulses);
                points.Add(p);
                progress?.Invoke(p);
            }
        }
        return points;
    }

    /// <summary>
    /// One exchange: every board's quantised soft outputs on the transfer set go up, each board's mean of the others
    /// comes down (quantised again). Returns each board's received targets (transfer count x classes) and the bits
    /// sent and their estimated information content, counted per message as <see cref="TransferInformation"/> does.
    /// </summary>
    public static (float[][] Targets, double Sent, double Information) Exchange(IReadOnlyList<MortalMember> members, CommunityTask task, SoftTargetCodec codec,
        float temperature, int batch)
    {
        int k = members.Count, c = task.Classes, m = task.Transfer.Count, f = task.Transfer.Features;
        var uploaded = new float[k][];
        double sent = 0, information = 0;
        var logits = new float[batch * c];
        var levels = new ushort[c];
        var probabilities = new float[c];
        for (int b = 0; b < k; b++)
        {
            uploaded[b] = new float[m * c];
            var info = new TransferInformation(c, codec.Bits);
            for (int start = 0; start < m; start += batch)
            {
                int n = Math.Min(batch, m - start);
                members[b].Network.Predict(task.Transfer.Pixels.AsSpan(start * f, n * f), n, logits);
                for (int i = 0; i < n; i++)
                {
                    var row = logits.AsSpan(i * c, c);
                    SoftTargets.Softmax(row, temperature, probabilities);
                    codec.Encode(probabilities, levels);
                    info.Add(levels, Learning.Losses.TargetDistributions.ArgMax(row));
                    SoftTargetCodec.Decode(levels, uploaded[b].AsSpan((start + i) * c, c));
                }
            }
            sent += info.TotalPayloadBits;
            information += info.TotalInformationBits;
        }
        var targets = new float[k][];
        var mean = new float[c];
        for (int b = 0; b < k; b++)
        {
            targets[b] = new float[m * c];
            var info = new TransferInformation(c, codec.Bits);
            for (int i = 0; i < m; i++)
            {
                Array.Clear(mean);
                for (int o = 0; o < k; o++)
                    if (o != b || k == 1)
                        for (int j = 0; j < c; j++) mean[j] += uploaded[o][i * c + j] / Math.Max(1, k - 1);
                codec.Encode(mean, levels);
                info.Add(levels, Learning.Losses.TargetDistributions.ArgMax(mean));
                SoftTargetCodec.Decode(levels, targets[b].AsSpan(i * c, c));
            }
            sent += info.TotalPayloadBits;
            information += info.TotalInformationBits;
        }
        return (targets, sent, information);
    }
}

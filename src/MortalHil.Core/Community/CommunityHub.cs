using MortalHil.Core.Learning.Losses;
using MortalHil.Core.Learning.Mapping;
using MortalHil.Core.Mortality.Distillation;

namespace MortalHil.Core.Community;

/// <summary>
/// The hub every exchange of a community goes through, the same whether its boards sit in this process or on the nodes
/// of a fleet: each round every board learns, uploads one message (weights or soft targets), the hub combines them and
/// sends each board one message back. Bits are counted per message as before (parameters x 32, or examples x classes x
/// quantisation bits); when <c>networkBytes</c> is given, the bytes that actually crossed the network during the
/// exchanges are measured too (its reading just before the uploads and just after the last download, each round).
/// </summary>
/// <param name="s">The community's settings.</param>
/// <param name="kind">Balanced or skewed shards (for the points).</param>
/// <param name="classes">Classes of the task.</param>
/// <param name="networkBytes">A running total of bytes sent on the network by every process of the community, or null in one process.</param>
public sealed class CommunityHub(CommunitySettings s, ShardKind kind, int classes, Func<Task<long>>? networkBytes = null)
{
    /// <summary>Joins a board: (index, starting weights message or null) -> the board's peer.</summary>
    public delegate Task<ICommunityPeer> Join(int index, byte[]? startWeights);

    public async Task<IReadOnlyList<CommunityPoint>> RunAsync(SharingMethod method, int boards, Join join, Action<CommunityPoint>? progress = null)
    {
        s.Validate();
        var peers = await JoinAll(method, boards, join);
        var points = new List<CommunityPoint>();
        double sent = 0, information = 0;
        long networkSoFar = 0;
        for (int round = 0; round <= s.Rounds; round++)
        {
            if (method == SharingMethod.MortalAlone)
                await Task.WhenAll(peers.Select(p => p.LearnAsync(round)));
            else if (method == SharingMethod.MutualDistillation)
            {
                if (round > 0)
                {
                    long before = await NetworkBytes();
                    var (roundSent, roundInformation) = await ExchangeSoftTargets(peers);
                    networkSoFar += await NetworkBytes() - before;
                    sent += roundSent;
                    information += roundInformation;
                }
                await Task.WhenAll(peers.Select(p => p.LearnAsync(round)));
            }
            else
            {
                await Task.WhenAll(peers.Select(p => p.LearnAsync(round)));
                if (round > 0)
                {
                    long before = await NetworkBytes();
                    double bits = await ExchangeWeights(peers);
                    networkSoFar += await NetworkBytes() - before;
                    sent += bits;
                    information += bits;
                }
                await Task.WhenAll(peers.Select(p => p.AdoptIfReceived(round)));
            }
            var scores = await Task.WhenAll(peers.Select(p => p.ScoreAsync()));
            foreach (var p in peers)
            {
                var score = scores[p.Index];
                var point = new CommunityPoint(method, kind, boards, p.Index, round, sent, information, score.Accuracy, score.HomeAccuracy, score.AwayAccuracy,
                    score.Pulses, networkBytes is null ? null : networkSoFar * 8.0);
                points.Add(point);
                progress?.Invoke(point);
            }
        }
        return points;
    }

    private async Task<long> NetworkBytes() => networkBytes is null ? 0 : await networkBytes();

    /// <summary>Every method's boards start apart, except conductance averaging: board 0's measured weights are programmed onto the others.</summary>
    private static async Task<ICommunityPeer[]> JoinAll(SharingMethod method, int boards, Join join)
    {
        if (method != SharingMethod.ConductanceAveraging)
            return await Task.WhenAll(Enumerable.Range(0, boards).Select(b => join(b, null)));
        var first = await join(0, null);
        var start = await first.WeightsAsync();
        var others = await Task.WhenAll(Enumerable.Range(1, boards - 1).Select(b => join(b, start)));
        return [first, .. others];
    }

    /// <summary>Every board uploads its weights; every board receives their mean. Returns the bits of the 2K messages.</summary>
    private static async Task<double> ExchangeWeights(IReadOnlyList<ICommunityPeer> peers)
    {
        var uploads = (await Task.WhenAll(peers.Select(p => p.WeightsAsync()))).Select(m => CommunityMessages.Floats(m)).ToArray();
        int length = uploads[0].Length;
        if (uploads.Any(u => u.Length != length)) throw new InvalidDataException("the boards uploaded weights of different sizes");
        var mean = new float[length];
        for (int i = 0; i < length; i++)
        {
            double sum = 0;
            foreach (var u in uploads) sum += u[i];
            mean[i] = (float)(sum / uploads.Length);
        }
        var message = CommunityMessages.Floats(mean);
        await Task.WhenAll(peers.Select(p => p.ReceiveAsync(message)));
        return ExchangeBits.Weights(length, ExchangeBits.MessagesPerRound(peers.Count));
    }

    /// <summary>
    /// Every board uploads its quantised soft outputs on the transfer set; each receives the mean of the <i>other</i>
    /// boards' distributions, quantised again. Returns the bits sent and their estimated information content, counted
    /// per message as <see cref="TransferInformation"/> does.
    /// </summary>
    private async Task<(double Sent, double Information)> ExchangeSoftTargets(IReadOnlyList<ICommunityPeer> peers)
    {
        int k = peers.Count, c = classes, bits = s.QuantisationBits;
        var codec = new SoftTargetCodec(bits);
        var uploads = await Task.WhenAll(peers.Select(p => p.SoftTargetsAsync()));
        double sent = 0, information = 0;
        var distributions = new float[k][];
        for (int b = 0; b < k; b++)
        {
            var levels = CommunityMessages.Levels(uploads[b], bits);
            int m = levels.Length / c;
            distributions[b] = new float[levels.Length];
            var info = new TransferInformation(c, bits);
            for (int i = 0; i < m; i++)
            {
                var row = levels.AsSpan(i * c, c);
                info.Add(row, ArgMax(row));
                SoftTargetCodec.Decode(row, distributions[b].AsSpan(i * c, c));
            }
            sent += info.TotalPayloadBits;
            information += info.TotalInformationBits;
        }
        int examples = distributions[0].Length / c;
        var mean = new float[c];
        var down = new ushort[examples * c];
        var messages = new byte[k][];
        for (int b = 0; b < k; b++)
        {
            var info = new TransferInformation(c, bits);
            for (int i = 0; i < examples; i++)
            {
                Array.Clear(mean);
                for (int o = 0; o < k; o++)
                    if (o != b || k == 1)
                        for (int j = 0; j < c; j++) mean[j] += distributions[o][i * c + j] / Math.Max(1, k - 1);
                var row = down.AsSpan(i * c, c);
                codec.Encode(mean, row);
                info.Add(row, TargetDistributions.ArgMax(mean));
            }
            messages[b] = CommunityMessages.SoftTargets(down, bits);
            sent += info.TotalPayloadBits;
            information += info.TotalInformationBits;
        }
        await Task.WhenAll(peers.Select(p => p.ReceiveAsync(messages[p.Index])));
        return (sent, information);
    }

    private static int ArgMax(ReadOnlySpan<ushort> levels)
    {
        int best = 0;
        for (int i = 1; i < levels.Length; i++) if (levels[i] > levels[best]) best = i;
        return best;
    }
}

/// <summary>Hub-side helpers on peers.</summary>
internal static class CommunityPeerSteps
{
    /// <summary>Adopts the round's mean weights (there are none in round 0).</summary>
    public static Task AdoptIfReceived(this ICommunityPeer peer, int round) => round > 0 ? peer.AdoptAsync() : Task.CompletedTask;
}

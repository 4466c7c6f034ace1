using MortalHil.Core.Community;
using MortalHil.Core.Devices;
using MortalHil.Fleet.Placement;

namespace MortalHil.Fleet.Community;

/// <summary>
/// A board of a community on its node: the same peer (<see cref="CommunityPeers.Create"/>) the in-process experiment
/// uses, fed from the node's own data and board. Learning is CPU work and runs on the thread pool.
/// </summary>
[OnNodePlacement]
internal sealed class CommunityMemberGrain(NodeBoardOpener boards) : Grain, ICommunityMemberGrain
{
    private ICommunityPeer? _peer;
    private IDevice? _board;

    private ICommunityPeer Peer => _peer ?? throw new InvalidOperationException($"community member {this.GetPrimaryKeyString()} has not joined");

    public Task Join(byte[] join, byte[]? startWeights)
    {
        var j = CommunityJoin.FromBytes(join);
        return Task.Run(() =>
        {
            var task = CommunityNodeData.Task(j);
            _peer = CommunityPeers.Create(j.Method, task, j.Settings, j.Index, startWeights, () => _board = boards.Open(j.BoardSpec));
        });
    }

    public Task Receive(byte[] message) => Peer.ReceiveAsync(message);
    public Task Learn(int round) => Task.Run(() => Peer.LearnAsync(round));
    public Task<byte[]> SoftTargets() => Task.Run(() => Peer.SoftTargetsAsync());
    public Task<byte[]> Weights() => Task.Run(() => Peer.WeightsAsync());
    public Task Adopt() => Task.Run(() => Peer.AdoptAsync());

    public async Task<CommunityScore> Score()
    {
        var s = await Task.Run(() => Peer.ScoreAsync());
        return new CommunityScore(s.Accuracy, s.HomeAccuracy, s.AwayAccuracy, s.Pulses);
    }

    public Task Leave()
    {
        _board?.Dispose();
        _board = null;
        _peer = null;
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

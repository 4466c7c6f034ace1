using MortalHil.Core.Community;

namespace MortalHil.Fleet.Community;

/// <summary>The hub's view of a board on a node: every call goes to its <see cref="ICommunityMemberGrain"/>.</summary>
internal sealed class GrainCommunityPeer(int index, ICommunityMemberGrain grain) : ICommunityPeer
{
    public int Index => index;
    public Task ReceiveAsync(byte[] message) => grain.Receive(message);
    public Task LearnAsync(int round) => grain.Learn(round);
    public Task<byte[]> SoftTargetsAsync() => grain.SoftTargets();
    public Task<byte[]> WeightsAsync() => grain.Weights();
    public Task AdoptAsync() => grain.Adopt();

    public async Task<PeerScore> ScoreAsync()
    {
        var s = await grain.Score();
        return new PeerScore(s.Accuracy, s.HomeAccuracy, s.AwayAccuracy, s.Pulses);
    }
}

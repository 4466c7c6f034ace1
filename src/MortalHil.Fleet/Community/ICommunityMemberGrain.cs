namespace MortalHil.Fleet.Community;

/// <summary>
/// One board of a community, on the node its key names (<c>NODE/community/RUN/BOARD</c>). The hub's calls carry
/// exactly the community's messages (weights or soft targets as bytes), so what crosses the network is what the
/// community exchanges plus Orleans' framing.
/// </summary>
public interface ICommunityMemberGrain : IGrainWithStringKey
{
    /// <summary>Joins: <paramref name="join"/> is a <see cref="CommunityJoin"/>; <paramref name="startWeights"/> a weights message to start from, or null.</summary>
    Task Join(byte[] join, byte[]? startWeights);
    Task Receive(byte[] message);
    Task Learn(int round);
    Task<byte[]> SoftTargets();
    Task<byte[]> Weights();
    Task Adopt();
    Task<CommunityScore> Score();
    /// <summary>Closes the board and lets the activation go.</summary>
    Task Leave();
}

/// <summary>A board's score on the wire (see <see cref="MortalHil.Core.Community.PeerScore"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record CommunityScore([property: Id(0)] float Accuracy, [property: Id(1)] float HomeAccuracy, [property: Id(2)] float AwayAccuracy,
    [property: Id(3)] long Pulses);

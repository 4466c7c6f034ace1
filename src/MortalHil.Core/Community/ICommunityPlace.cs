namespace MortalHil.Core.Community;

/// <summary>
/// Where a community's boards live: in this process (<see cref="LocalCommunity"/>), or on the nodes of a fleet. It joins
/// the boards of one community (a way of sharing, K boards, a kind of shard) and, on a network, measures the bytes sent.
/// </summary>
public interface ICommunityPlace
{
    /// <summary>Joins the boards of one community; <paramref name="boardTag"/> names its boards (fresh boards per name).</summary>
    CommunityHub.Join Joiner(SharingMethod method, int boards, ShardKind kind, string boardTag);

    /// <summary>Bytes sent on the network so far by every process of the community (a running total), or null in one process.</summary>
    Func<Task<long>>? NetworkBytes { get; }

    /// <summary>Lets the boards of a finished community go (frees them where they live).</summary>
    Task DismissAsync(SharingMethod method, int boards, ShardKind kind);
}

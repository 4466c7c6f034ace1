namespace MortalHil.Core.Community;

/// <summary>
/// One board of a community as its hub sees it: it learns on its own shard, sends one message up, takes one message
/// down, and is scored. Messages are bytes (<see cref="CommunityMessages"/>), so a peer can sit in this process or on
/// another machine of a fleet and the hub cannot tell the difference.
/// </summary>
public interface ICommunityPeer
{
    /// <summary>The board's index in the community, 0..K-1 (its shard).</summary>
    int Index { get; }

    /// <summary>
    /// Takes the hub's message for this board this round (soft targets to learn, or mean weights to adopt); the board
    /// keeps it until <see cref="LearnAsync"/> or <see cref="AdoptAsync"/> uses it.
    /// </summary>
    Task ReceiveAsync(byte[] message);

    /// <summary>
    /// A round of local learning: passes over the board's shard and, when soft targets were received, passes over the
    /// transfer set towards them.
    /// </summary>
    Task LearnAsync(int round);

    /// <summary>The board's soft outputs on the common transfer set, quantised (its upload in mutual distillation).</summary>
    Task<byte[]> SoftTargetsAsync();

    /// <summary>The board's weights and biases as float32 (its upload when weights are averaged).</summary>
    Task<byte[]> WeightsAsync();

    /// <summary>Takes the received weights and biases (the hub's mean) as its own: set for a digital replica, programmed for a mortal board.</summary>
    Task AdoptAsync();

    /// <summary>The board's accuracy on the test set, overall and on its home classes and the rest.</summary>
    Task<PeerScore> ScoreAsync();
}

/// <summary>A board's score after a round.</summary>
/// <param name="Accuracy">On the whole test set (or its first TestLimit images).</param>
/// <param name="HomeAccuracy">On its home classes.</param>
/// <param name="AwayAccuracy">On the other classes (NaN when balanced).</param>
/// <param name="Pulses">Programming pulses since it joined (0 for a digital replica).</param>
public readonly record struct PeerScore(float Accuracy, float HomeAccuracy, float AwayAccuracy, long Pulses);

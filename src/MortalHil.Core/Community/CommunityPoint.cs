namespace MortalHil.Core.Community;

/// <summary>
/// One board scored after one round: its accuracy on the test set against the bits its community had exchanged so far.
/// Round 0 is local training only (nothing exchanged yet).
/// </summary>
/// <param name="Method">How the community shares.</param>
/// <param name="Shards">Balanced or class-skewed shards.</param>
/// <param name="Boards">Boards in the community (K).</param>
/// <param name="Board">This board's index, 0..K-1.</param>
/// <param name="Round">Exchanges so far (0: local training only).</param>
/// <param name="BitsSent">Bits on the links of the whole community so far (uploads to the hub plus downloads from it).</param>
/// <param name="InformationBits">Of those, the estimated information content (as <c>handover</c> counts it); for weights, equal to BitsSent.</param>
/// <param name="Accuracy">Accuracy on the test set.</param>
/// <param name="HomeAccuracy">Accuracy on the board's home classes (skewed shards; all classes when balanced).</param>
/// <param name="AwayAccuracy">Accuracy on the other classes (NaN when balanced).</param>
/// <param name="Pulses">Programming pulses the board took since it joined (0 for digital replicas).</param>
/// <param name="NetworkBits">On a fleet: bits that actually crossed the network during the community's exchanges so far,
/// measured (Orleans messages, headers included, sent by every process); null in one process.</param>
public sealed record CommunityPoint(
    SharingMethod Method, ShardKind Shards, int Boards, int Board, int Round, double BitsSent, double InformationBits,
    float Accuracy, float HomeAccuracy, float AwayAccuracy, long Pulses, double? NetworkBits = null);

namespace MortalHil.Core.Community;

/// <summary>
/// What a community's exchanges cost on the wire. Every exchange goes through a hub: each board uploads one message,
/// the hub combines them, and each board downloads one message back, so a round is 2K messages.
/// </summary>
public static class ExchangeBits
{
    /// <summary>Bits of one float32 value.</summary>
    public const int Float32 = 32;

    /// <summary>Messages of one round among <paramref name="boards"/> boards (K uploads, K downloads).</summary>
    public static long MessagesPerRound(int boards) => 2L * boards;

    /// <summary>Bits of <paramref name="messages"/> weight messages of <paramref name="parameters"/> float32 values each.</summary>
    public static double Weights(long parameters, long messages) => (double)parameters * Float32 * messages;

    /// <summary>Bits of <paramref name="messages"/> soft-target messages: examples x classes x bits per value each.</summary>
    public static double SoftTargets(int examples, int classes, int bitsPerValue, long messages) => (double)examples * classes * bitsPerValue * messages;
}

namespace MortalHil.Core.Community;

/// <summary>How the training pool is dealt out to the boards of a community.</summary>
public enum ShardKind
{
    /// <summary>Every board sees every class in the same proportions.</summary>
    Balanced,
    /// <summary>Each board sees mostly its own "home" classes (class c belongs to board c mod K).</summary>
    Skewed,
}

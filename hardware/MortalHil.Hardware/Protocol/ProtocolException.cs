namespace MortalHil.Hardware.Protocol;

/// <summary>A frame or payload that does not follow the protocol (corrupt, truncated, inconsistent).</summary>
public sealed class MalformedFrameException(string message) : IOException(message);

/// <summary>A board answered a request with an error frame that has no more specific exception.</summary>
public sealed class BoardErrorException(ProtocolErrorCode code, string message)
    : IOException($"board error {code}: {message}")
{
    /// <summary>The error code the board sent.</summary>
    public ProtocolErrorCode Code { get; } = code;
}

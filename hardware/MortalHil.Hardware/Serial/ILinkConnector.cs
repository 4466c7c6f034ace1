namespace MortalHil.Hardware.Serial;

/// <summary>Opens the byte stream to a board: a serial port, or an in-memory link in tests.</summary>
public interface ILinkConnector
{
    /// <summary>Names the link in messages (e.g. the port path).</summary>
    string Name { get; }

    /// <summary>
    /// Opens a fresh stream, discarding anything a previous connection left unread. Throws
    /// <see cref="IOException"/> (or <see cref="UnauthorizedAccessException"/>) while the link is absent.
    /// A read on the stream may throw <see cref="TimeoutException"/> when nothing arrived in a while.
    /// </summary>
    Stream Connect();
}

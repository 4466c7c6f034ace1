namespace MortalHil.Core.Devices;

/// <summary>A request outside the limits the board describes: refused, nothing applied.</summary>
public sealed class DeviceLimitException(string message) : ArgumentException(message);

/// <summary>The board has died (or its link is gone for good): nothing more can be read or written.</summary>
public sealed class DeviceFailedException(string message, Exception? inner = null) : IOException(message, inner);

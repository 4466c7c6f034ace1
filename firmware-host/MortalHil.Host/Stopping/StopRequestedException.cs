namespace MortalHil.Host.Stopping;

/// <summary>
/// Thrown at the next board operation after SIGINT or SIGTERM: the command unwinds, its boards are
/// put in their safe state as they are disposed, its journal and files are closed.
/// </summary>
public sealed class StopRequestedException(string signalName) : OperationCanceledException($"stopped by {signalName}")
{
    public string SignalName { get; } = signalName;
}

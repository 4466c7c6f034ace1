namespace MortalHil.Core.Live;

/// <summary>Where published <see cref="LiveEvent"/>s go. Implementations are thread-safe and never throw into the publisher.</summary>
public interface ILiveEventSink
{
    void Publish(LiveEvent e);

    /// <summary>True when an operator asked (from a dashboard) for a handover of this board; consumes the request.</summary>
    bool TakeHandoverRequest(string boardKind, string serial);
}

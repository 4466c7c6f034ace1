using System.Threading.Channels;
using MortalHil.Core.Live;

namespace MortalHil.Host.Dashboard;

/// <summary>
/// Hands each new live event to every connected page. Each page has a bounded queue: a page that stops reading
/// loses its oldest events (it reloads state on reconnect) instead of growing the server's memory.
/// </summary>
public sealed class EventBroadcast
{
    public const int QueuePerClient = 2048;
    private readonly object _gate = new();
    private readonly List<Channel<LiveEvent>> _clients = [];

    public int Clients
    {
        get { lock (_gate) return _clients.Count; }
    }

    public Channel<LiveEvent> Subscribe()
    {
        var c = Channel.CreateBounded<LiveEvent>(new BoundedChannelOptions(QueuePerClient)
            { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_gate) _clients.Add(c);
        return c;
    }

    public void Unsubscribe(Channel<LiveEvent> c)
    {
        lock (_gate) _clients.Remove(c);
        c.Writer.TryComplete();
    }

    public void Send(LiveEvent e)
    {
        lock (_gate)
            foreach (var c in _clients) c.Writer.TryWrite(e);
    }
}

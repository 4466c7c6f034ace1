namespace MortalHil.Hardware.Serial;

/// <summary>The most recent pulse request ids this host completed (bounded; oldest forgotten first).</summary>
internal sealed class PulseIdMemory(int capacity)
{
    private readonly HashSet<ulong> _ids = new();
    private readonly Queue<ulong> _order = new();

    public bool Contains(ulong id) => _ids.Contains(id);

    public void Add(ulong id)
    {
        if (!_ids.Add(id)) return;
        _order.Enqueue(id);
        if (_order.Count > capacity) _ids.Remove(_order.Dequeue());
    }
}

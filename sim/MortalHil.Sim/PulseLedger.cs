using MortalHil.Core.Devices;

namespace MortalHil.Sim;

/// <summary>
/// Remembers the receipts of the most recent pulse requests so a repeated id is answered with the
/// first receipt instead of being applied again. Bounded: the oldest ids are forgotten first.
/// </summary>
internal sealed class PulseLedger(int capacity = PulseLedger.DefaultCapacity)
{
    public const int DefaultCapacity = 1 << 16;
    private readonly Dictionary<ulong, PulseReceipt> _receipts = new();
    private readonly Queue<ulong> _order = new();

    public int Capacity { get; } = capacity;
    public IEnumerable<PulseReceipt> InOrder => _order.Select(id => _receipts[id]);

    public bool TryGet(ulong id, out PulseReceipt first)
    {
        if (_receipts.TryGetValue(id, out first)) { first = first with { Duplicate = true }; return true; }
        return false;
    }

    public void Record(PulseReceipt receipt)
    {
        if (_receipts.Count >= Capacity) _receipts.Remove(_order.Dequeue());
        _receipts.Add(receipt.Id, receipt);
        _order.Enqueue(receipt.Id);
    }
}

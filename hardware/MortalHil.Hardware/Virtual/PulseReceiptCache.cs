using MortalHil.Hardware.Protocol.Messages;

namespace MortalHil.Hardware.Virtual;

/// <summary>
/// The receipts of the most recent pulse parts, keyed by (request id, part): a repeat is answered
/// with the first receipt and never applied again. Oldest entries leave first.
/// </summary>
public sealed class PulseReceiptCache(int capacity)
{
    private readonly Dictionary<(ulong Id, int Part), PartReceipt> _receipts = new();
    private readonly Queue<(ulong Id, int Part)> _order = new();

    /// <summary>Receipts remembered at most.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public bool TryGet(ulong id, int part, out PartReceipt receipt) => _receipts.TryGetValue((id, part), out receipt);

    public void Remember(PartReceipt receipt)
    {
        var key = (receipt.Id, receipt.Part);
        if (_receipts.ContainsKey(key)) return;
        if (_receipts.Count >= Capacity) _receipts.Remove(_order.Dequeue());
        _receipts[key] = receipt;
        _order.Enqueue(key);
    }
}

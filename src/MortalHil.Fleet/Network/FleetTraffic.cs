namespace MortalHil.Fleet.Network;

/// <summary>
/// Bytes sent on the network by every process of a fleet run: this client's Orleans messages plus each node's. Every
/// byte that crosses a link is sent by exactly one process, so the sum counts each once (a call forwarded from a gateway
/// silo to another node counts on both hops, as it crosses two links). Reading the nodes is itself a few small calls;
/// <see cref="CalibrateAsync"/> measures what one reading adds, and <see cref="ReadAsync"/> takes it off.
/// </summary>
public sealed class FleetTraffic(IClusterClient client, IReadOnlyList<string> nodes)
{
    private long _readingCost;

    /// <summary>Bytes one reading of the counters itself puts on the network, as a later reading sees it.</summary>
    public long ReadingCost => _readingCost;

    /// <summary>Running total of bytes sent, minus what the readings themselves sent so far (approximately).</summary>
    public async Task<long> ReadAsync()
    {
        long total = OrleansTraffic.SentBytes;
        foreach (var node in nodes) total += await client.GetGrain<INodeTrafficGrain>(node).SentBytes().WaitAsync(TimeSpan.FromSeconds(30));
        return total;
    }

    /// <summary>Reads back to back a few times; the smallest step between two readings is what one reading costs.</summary>
    public async Task CalibrateAsync(int readings = 5)
    {
        long previous = await ReadAsync(), least = long.MaxValue;
        for (int i = 0; i < readings; i++)
        {
            long now = await ReadAsync();
            least = Math.Min(least, now - previous);
            previous = now;
        }
        _readingCost = least;
    }

    /// <summary>A running total for <see cref="MortalHil.Core.Community.CommunityHub"/>: each reading minus the cost of the readings before it.</summary>
    public Func<Task<long>> Counter()
    {
        long readings = 0;
        return async () =>
        {
            long value = await ReadAsync() - readings * _readingCost;
            readings++;
            return value;
        };
    }
}

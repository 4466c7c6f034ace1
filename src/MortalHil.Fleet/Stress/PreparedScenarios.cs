using MortalHil.Stress.Ports;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;

namespace MortalHil.Fleet.Stress;

/// <summary>A scenario parsed once on a node, with one task and one toolkit per seed, shared by its lineages.</summary>
internal sealed record PreparedScenario(Scenario Scenario, SyntheticTask[] Tasks, IStressToolkit[] Toolkits)
{
    public static PreparedScenario Of(Scenario s, StressToolkitFactory factory)
    {
        var tasks = s.Seeds.Select(seed => new SyntheticTask(s.Task, seed)).ToArray();
        return new PreparedScenario(s, tasks, tasks.Select(t => factory(s, t)).ToArray());
    }
}

/// <summary>
/// The scenarios a node holds, by <see cref="LineageWire.Hash"/>: the most recently used <see cref="Capacity"/> of them.
/// A node lives for days and serves many stress runs; each scenario's toolkits would otherwise stay in memory for good.
/// A run whose scenario was dropped is asked to send it again (<see cref="IStressWorkerGrain.RunLineage"/> answers null).
/// </summary>
internal sealed class PreparedScenarios(int capacity = PreparedScenarios.DefaultCapacity)
{
    public const int DefaultCapacity = 4;
    private readonly object _gate = new();
    private readonly LinkedList<(ulong Hash, Lazy<PreparedScenario> Prepared)> _recent = new();

    public int Capacity { get; } = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), "at least one scenario");

    /// <summary>The scenario named <paramref name="hash"/>, or null if this node does not hold it.</summary>
    public PreparedScenario? Find(ulong hash)
    {
        Lazy<PreparedScenario>? found = null;
        lock (_gate)
        {
            for (var node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Hash != hash) continue;
                _recent.Remove(node);
                _recent.AddFirst(node);
                found = node.Value.Prepared;
                break;
            }
        }
        return found?.Value; // prepared outside the lock: another scenario's lineages need not wait for it
    }

    /// <summary>The scenario named <paramref name="hash"/>, prepared from <paramref name="prepare"/> if this node does not hold it yet.</summary>
    public PreparedScenario GetOrAdd(ulong hash, Func<PreparedScenario> prepare)
    {
        Lazy<PreparedScenario> prepared;
        lock (_gate)
        {
            var node = _recent.First;
            while (node is not null && node.Value.Hash != hash) node = node.Next;
            if (node is null)
            {
                node = new LinkedListNode<(ulong, Lazy<PreparedScenario>)>((hash, new Lazy<PreparedScenario>(prepare)));
                _recent.AddFirst(node);
                while (_recent.Count > Capacity) _recent.RemoveLast();
            }
            else
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
            }
            prepared = node.Value.Prepared;
        }
        return prepared.Value;
    }

    /// <summary>Hashes of the scenarios held, most recently used first.</summary>
    public ulong[] Held()
    {
        lock (_gate) return _recent.Select(r => r.Hash).ToArray();
    }
}

using System.Collections.Concurrent;
using MortalHil.Fleet.Placement;
using MortalHil.Stress.Ports;
using Orleans.Concurrency;

namespace MortalHil.Fleet.Stress;

/// <summary>
/// A node's lineage runner. Reentrant: the fleet client keeps one call per slot in flight, and each runs on the
/// thread pool (simulation is CPU work, not grain work). A scenario travels once per node and run, and is parsed once
/// per content hash; the node keeps the few it used last (<see cref="PreparedScenarios"/>).
/// </summary>
[OnNodePlacement, Reentrant]
internal sealed class StressWorkerGrain(StressToolkitFactory toolkits, LineageSlots slots) : Grain, IStressWorkerGrain
{
    private static readonly PreparedScenarios Scenarios = new();
    private readonly string _work = MortalHil.Stress.Reporting.ScratchFolder.For(
        Path.Combine(Path.GetTempPath(), "mortalhil-fleet", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly ConcurrentDictionary<Guid, byte> InProgress = new();

    public Task<int> Slots() => Task.FromResult(slots.Count);

    public Task<Guid[]> Running() => Task.FromResult(InProgress.Keys.ToArray());

    public async Task<byte[]?> RunLineage(ulong scenarioHash, byte[]? scenario, byte[] job, Guid call)
    {
        PreparedScenario? prepared;
        if (scenario is null)
        {
            prepared = Scenarios.Find(scenarioHash);
            if (prepared is null) return null; // not held here (a new node, or dropped): the caller sends it
        }
        else
        {
            ulong hash = LineageWire.Hash(scenario);
            if (hash != scenarioHash) throw new ArgumentException($"the scenario sent hashes to {hash:x16}, not to the {scenarioHash:x16} it was sent as");
            prepared = Scenarios.GetOrAdd(hash, () => PreparedScenario.Of(LineageWire.Scenario(scenario), toolkits));
        }
        // Listed from arrival until the answer is handed back to Orleans (a call still listed is alive here).
        InProgress[call] = 0;
        try
        {
            return await Run(scenarioHash, prepared, job);
        }
        finally
        {
            InProgress.TryRemove(call, out _);
        }
    }

    private Task<byte[]?> Run(ulong hash, PreparedScenario prepared, byte[] job)
    {
        var j = LineageWire.Job(job);
        return Task.Run<byte[]?>(() =>
        {
            string folder = Path.Combine(_work, $"{hash:x16}-{j.SeedIndex}-{j.Lineage}-{Guid.NewGuid():N}");
            try
            {
                var result = j.Run(prepared.Scenario, prepared.Toolkits[j.SeedIndex], prepared.Tasks[j.SeedIndex], folder);
                return LineageWire.Result(result);
            }
            finally
            {
                if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            }
        });
    }
}

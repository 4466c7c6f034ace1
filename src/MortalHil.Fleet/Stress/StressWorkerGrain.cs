using System.Collections.Concurrent;
using System.IO.Hashing;
using MortalHil.Fleet.Placement;
using MortalHil.Stress.Fleet;
using MortalHil.Stress.Ports;
using MortalHil.Stress.Scenarios;
using MortalHil.Stress.Tasks;
using Orleans.Concurrency;

namespace MortalHil.Fleet.Stress;

/// <summary>
/// A node's lineage runner. Reentrant: the fleet client keeps one call per core in flight, and each runs on the
/// thread pool (simulation is CPU work, not grain work). Scenarios are parsed once per content hash.
/// </summary>
[OnNodePlacement, Reentrant]
internal sealed class StressWorkerGrain(StressToolkitFactory toolkits) : Grain, IStressWorkerGrain
{
    private static readonly ConcurrentDictionary<ulong, Lazy<Prepared>> Scenarios = new();
    private readonly string _work = MortalHil.Stress.Reporting.ScratchFolder.For(
        Path.Combine(Path.GetTempPath(), "mortalhil-fleet", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly ConcurrentDictionary<Guid, byte> InProgress = new();

    public Task<int> Slots() => Task.FromResult(Environment.ProcessorCount);

    public Task<Guid[]> Running() => Task.FromResult(InProgress.Keys.ToArray());

    public async Task<byte[]> RunLineage(byte[] scenario, byte[] job, Guid call)
    {
        // Listed from arrival until the answer is handed back to Orleans (a call still listed is alive here).
        InProgress[call] = 0;
        try
        {
            return await Run(scenario, job);
        }
        finally
        {
            InProgress.TryRemove(call, out _);
        }
    }

    private Task<byte[]> Run(byte[] scenario, byte[] job)
    {
        ulong hash = XxHash64.HashToUInt64(scenario);
        var prepared = Scenarios.GetOrAdd(hash, _ => new Lazy<Prepared>(() => Prepared.Of(LineageWire.Scenario(scenario), toolkits))).Value;
        var j = LineageWire.Job(job);
        return Task.Run(() =>
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

    private sealed record Prepared(Scenario Scenario, SyntheticTask[] Tasks, IStressToolkit[] Toolkits)
    {
        public static Prepared Of(Scenario s, StressToolkitFactory factory)
        {
            var tasks = s.Seeds.Select(seed => new SyntheticTask(s.Task, seed)).ToArray();
            return new Prepared(s, tasks, tasks.Select(t => factory(s, t)).ToArray());
        }
    }
}

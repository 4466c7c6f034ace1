using MortalHil.Fleet.Cluster;
using MortalHil.Fleet.Handover.Journal;
using Orleans.Storage;
using MortalHil.Fleet.Placement;
using Orleans.Runtime;

namespace MortalHil.Fleet.Handover;

/// <summary>
/// Runs one handover on whatever silo holds it (see <see cref="PreferNodePlacementAttribute"/>). The order and the
/// teacher's commissioned network are kept in Redis; the handover's progress is kept in its journal. When the silo dies,
/// the next call (<see cref="Status"/>, polled by whoever ordered the handover) re-activates the grain on another silo,
/// which reads the order back and resumes from the journal.
/// </summary>
[PreferNodePlacement]
internal sealed class HandoverCoordinatorGrain(
    [PersistentState("handover", FleetClusterOptions.StorageName)] IPersistentState<HandoverCoordinatorState> state,
    ILocalSiloDetails silo) : Grain, IHandoverCoordinatorGrain
{
    /// <summary>How long a state write may wait for Redis to come back before the run gives up.</summary>
    private static readonly TimeSpan StorePatience = TimeSpan.FromMinutes(2);

    private Task? _run;
    private HandoverReport? _report;
    private string? _waiting;

    private string Key => this.GetPrimaryKeyString();
    private string Id => OnNodePlacementDirector.NodeOf(Key) is var node && Key.Length > node.Length ? Key[(node.Length + 1)..] : Key;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        StartRun(); // a coordinator that moved here picks the work up at once
        return Task.CompletedTask;
    }

    public async Task<HandoverReport> Start(HandoverOrder order)
    {
        if (order.Id != Id) throw new ArgumentException($"handover order '{order.Id}' sent to the coordinator of '{Id}'");
        if (state.State.Order is null) await Persist("the order", s => s.Order ??= order);
        if (!state.State.Order!.SameAs(order))
            throw new ArgumentException($"handover '{Id}' was ordered before with other boards or settings");
        StartRun();
        return Report();
    }

    public Task<HandoverReport> Status()
    {
        StartRun();
        return Task.FromResult(Report());
    }

    private HandoverReport Report() => (state.State.Final ?? Volatile.Read(ref _report)
        ?? new HandoverReport(Id, silo.Name, state.State.Order is null ? "not ordered" : "commissioning", false, 0, 0, 0, null, null, null, null))
        with { Waiting = Volatile.Read(ref _waiting) };

    private void StartRun()
    {
        if (_run is { IsCompleted: false } || state.State.Order is null || state.State.Final is not null) return;
        _run = RunAsync(state.State.Order);
    }

    private async Task RunAsync(HandoverOrder order)
    {
        try
        {
            var run = new FleetHandoverRun(order, GrainFactory, silo.Name, r => Volatile.Write(ref _report, r));
            if (state.State.TeacherNetwork is null)
            {
                var network = await Task.Run(run.CommissionTeacher);
                await Persist("the teacher's network", s => s.TeacherNetwork ??= network);
            }
            var teacher = state.State.TeacherNetwork!;
            var final = await Task.Run(() => run.Handover(teacher));
            Volatile.Write(ref _report, final);
            await Persist("the final report", s => s.Final ??= final);
        }
        catch (Exception e)
        {
            // Reported, and tried again at the next call: a board's node, the journal's node or Redis may be back by then.
            string why = e is JournalUnreachableException or JournalSessionLostException or JournalRefusedException or CoordinatorStoreException
                ? e.Message : $"{e.GetType().Name}: {e.Message}";
            Volatile.Write(ref _report, Report() with { Coordinator = silo.Name, Error = why, Waiting = null });
        }
    }

    /// <summary>
    /// Makes <paramref name="change"/> to the state and writes it, waiting for Redis while it restarts. The state only ever
    /// gains fields (order, then the teacher's network, then the final report), so a write whose answer was lost with Redis and
    /// that did land (the next write then fails on its stale version: <see cref="InconsistentStateException"/>) is recovered by
    /// reading the stored state back and making the same change to it. Redis away for longer than
    /// <see cref="StorePatience"/>: <see cref="CoordinatorStoreException"/>, and the run is tried again at the next call.
    /// </summary>
    private async Task Persist(string what, Action<HandoverCoordinatorState> change)
    {
        change(state.State);
        var until = DateTime.UtcNow + StorePatience;
        try
        {
            while (true)
            {
                try
                {
                    await state.WriteStateAsync();
                    return;
                }
                catch (Exception e)
                {
                    if (DateTime.UtcNow >= until)
                        throw new CoordinatorStoreException($"the fleet's store (Redis) did not take {what} for {StorePatience.TotalSeconds:F0} s " +
                            $"({e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}); the handover's journal is untouched and it goes on once Redis is back");
                    Volatile.Write(ref _waiting, $"waiting for the fleet's store (Redis) to keep {what}: {e.GetType().Name}");
                    await Task.Delay(TimeSpan.FromSeconds(1));
                    if (e is InconsistentStateException)
                    {
                        try
                        {
                            await state.ReadStateAsync();
                            change(state.State);
                        }
                        catch (Exception) { /* Redis still away: the next write fails again and we come back here */ }
                    }
                }
            }
        }
        finally
        {
            Volatile.Write(ref _waiting, null);
        }
    }
}

/// <summary>The fleet's store (Redis) stayed away for longer than the coordinator waits for it.</summary>
[GenerateSerializer]
public sealed class CoordinatorStoreException(string message) : Exception(message);

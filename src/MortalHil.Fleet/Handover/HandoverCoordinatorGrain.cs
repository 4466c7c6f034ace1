using MortalHil.Fleet.Cluster;
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
        if (state.State.Order is null)
        {
            state.State.Order = order;
            await Persist();
        }
        else if (!state.State.Order.SameAs(order))
            throw new ArgumentException($"handover '{Id}' was ordered before with other boards or settings");
        StartRun();
        return Report();
    }

    public Task<HandoverReport> Status()
    {
        StartRun();
        return Task.FromResult(Report());
    }

    private HandoverReport Report() => state.State.Final ?? Volatile.Read(ref _report)
        ?? new HandoverReport(Id, silo.Name, state.State.Order is null ? "not ordered" : "commissioning", false, 0, 0, 0, null, null, null, null);

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
                state.State.TeacherNetwork = network;
                await Persist();
            }
            var teacher = state.State.TeacherNetwork;
            var final = await Task.Run(() => run.Handover(teacher));
            state.State.Final = final;
            Volatile.Write(ref _report, final);
            await Persist();
        }
        catch (Exception e)
        {
            // Reported, and tried again at the next call: a board's node or Redis may be back by then.
            Volatile.Write(ref _report, Report() with { Coordinator = silo.Name, Error = $"{e.GetType().Name}: {e.Message}" });
        }
    }

    /// <summary>Writes the state, waiting for Redis while it restarts.</summary>
    private async Task Persist()
    {
        var until = DateTime.UtcNow + StorePatience;
        while (true)
        {
            try
            {
                await state.WriteStateAsync();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < until)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}

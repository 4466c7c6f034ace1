using MortalHil.Fleet.Placement;

namespace MortalHil.Fleet.Boards;

/// <summary>Lives on the silo of the node that has the board (see <see cref="OnNodePlacementAttribute"/>).</summary>
[OnNodePlacement]
internal sealed class BoardGrain(LocalBoards boards) : Grain, IBoardGrain
{
    public Task<BoardReport> Report()
    {
        var (node, serial) = BoardKeys.Parse(this.GetPrimaryKeyString());
        if (node != boards.Node || !boards.TryGet(serial, out var device, out var spec))
            return Task.FromResult(new BoardReport(node, serial, "", "", BoardReachability.Unreachable, 0, 0, 0, $"node {boards.Node} has no board {serial}"));
        try
        {
            var h = device.ReadHealth();
            var state = h.Alive && h.SelfTestPassed ? BoardReachability.Alive : BoardReachability.Dead;
            return Task.FromResult(new BoardReport(node, serial, spec, device.Description.Kind, state, h.TotalPulses, h.MaxCellPulses, h.Uptime.TotalHours, null));
        }
        catch (MortalHil.Core.Devices.DeviceFailedException e)
        {
            return Task.FromResult(new BoardReport(node, serial, spec, device.Description.Kind, BoardReachability.Dead, 0, 0, 0, e.Message));
        }
        catch (IOException e)
        {
            // The node answered but its link to the board did not: the board is not known dead.
            return Task.FromResult(new BoardReport(node, serial, spec, device.Description.Kind, BoardReachability.Unreachable, 0, 0, 0, e.Message));
        }
    }

    public Task<byte[]> Exchange(byte[] frames) => Task.FromResult(Endpoint().Exchange(frames));

    public Task AdvanceClock(TimeSpan dt)
    {
        Endpoint().AdvanceClock(dt);
        return Task.CompletedTask;
    }

    public Task<BoardPulseLedger> Ledger()
    {
        var e = Endpoint();
        return Task.FromResult(new BoardPulseLedger(e.Ledger.ReadHealth().TotalPulses, e.Ledger.PulsesAtStart, e.Ledger.PulsesFirstApplied,
            e.Ledger.DistinctRequests, e.Ledger.RepeatedIdsReachingBoard, e.DuplicatePulseRequestsAnswered));
    }

    private BoardEndpoint Endpoint()
    {
        var (node, serial) = BoardKeys.Parse(this.GetPrimaryKeyString());
        if (node != boards.Node) throw new NodeUnreachableException($"board {serial} of node {node} was asked on node {boards.Node}");
        return boards.Endpoint(serial) ?? throw new NodeUnreachableException($"node {boards.Node} has no board {serial}");
    }
}

using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Fleet;

/// <summary>A request for a spare board: lineage, the lineage's request number, fleet time.</summary>
public readonly record struct SpareRequest(int Lineage, int Index, double Seconds);

/// <summary>
/// The fleet's shared pool of spares, replayed in time order: requests are served first come, first
/// served (ties by lineage, then request number); the i-th request takes the i-th board the pool ever
/// holds (the initial stock at time 0, then each restock batch) and is ready
/// <see cref="SparePoolSpec.ProvisioningDelayHours"/> after both it was asked for and the board was there.
/// </summary>
public static class SparePool
{
    /// <summary>True when the pool never runs out, so a delivery depends on nothing but its own request.</summary>
    public static bool Unlimited(SparePoolSpec spec) => spec.InitialStock is null;

    /// <summary>Delivery time of a request to an unlimited pool.</summary>
    public static double Unconstrained(SparePoolSpec spec, double requestSeconds) => requestSeconds + spec.ProvisioningDelayHours * 3600;

    /// <summary>Fleet time each request's spare is ready (+inf when the pool never gets one to it before <paramref name="endSeconds"/>).</summary>
    public static Dictionary<(int Lineage, int Index), double> Deliver(SparePoolSpec spec, double endSeconds, IEnumerable<SpareRequest> requests)
    {
        var result = new Dictionary<(int, int), double>();
        var ordered = requests.OrderBy(r => r.Seconds).ThenBy(r => r.Lineage).ThenBy(r => r.Index).ToList();
        if (spec.InitialStock is null)
        {
            foreach (var r in ordered) result[(r.Lineage, r.Index)] = Unconstrained(spec, r.Seconds);
            return result;
        }
        double delay = spec.ProvisioningDelayHours * 3600;
        long stock = spec.InitialStock.Value;
        double period = (spec.RestockEveryDays ?? 0) * 86400;
        int batch = spec.RestockBatch;
        long supplied = 0;
        foreach (var r in ordered)
        {
            // The board this request gets is the pool's (supplied + 1)-th: from the initial stock, or from restock number k.
            double boardThere;
            if (supplied < stock) boardThere = 0;
            else if (batch > 0 && period > 0)
            {
                long k = (supplied - stock) / batch + 1; // 1-based restock that holds it
                boardThere = k * period;
            }
            else boardThere = double.PositiveInfinity;
            supplied++;
            double ready = Math.Max(r.Seconds, boardThere) + delay;
            result[(r.Lineage, r.Index)] = boardThere >= endSeconds ? double.PositiveInfinity : ready;
        }
        return result;
    }
}

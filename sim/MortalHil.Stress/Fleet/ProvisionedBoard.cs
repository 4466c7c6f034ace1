using MortalHil.Core.Devices;
using MortalHil.Sim;
using MortalHil.Stress.Faults;

namespace MortalHil.Stress.Fleet;

/// <summary>
/// A board in a lineage: the simulated board, the faulty wire to it and the retrying driver the host
/// uses, with its birth time on the fleet clock and the moment an injected shock will kill it.
/// </summary>
internal sealed class ProvisionedBoard(SimulatedBoard board, FaultyLink link, RetryingLink device, string presetName, int index,
    double bornAtSeconds)
{
    public SimulatedBoard Board => board;
    public FaultyLink Link => link;
    /// <summary>What learners, monitors and handovers are given.</summary>
    public IDevice Device => device;
    public RetryingLink Driver => device;
    public string PresetName => presetName;
    public string Serial => board.Description.SerialNumber;
    /// <summary>Position in the lineage's sequence of boards (0 = the first).</summary>
    public int Index => index;
    public double BornAtSeconds => bornAtSeconds;
    public bool IsDead => link.IsDead;

    /// <summary>Most pulses the board applied beyond the first-application receipts its link saw (must stay 0).</summary>
    public long PulsesAppliedTwice { get; private set; }

    /// <summary>Brings the board's own clock to fleet time <paramref name="fleetSeconds"/> (ageing, drift, death).</summary>
    public void SyncTo(double fleetSeconds)
    {
        long targetTicks = (long)Math.Round((fleetSeconds - bornAtSeconds) * TimeSpan.TicksPerSecond);
        long delta = targetTicks - board.Now.Ticks;
        if (delta > 0) link.AdvanceBoardClock(TimeSpan.FromTicks(delta));
    }

    /// <summary>Fleet time the board's own clock stands at.</summary>
    public double ClockSeconds => bornAtSeconds + board.Now.TotalSeconds;

    /// <summary>Compares the board's own pulse count with what its link saw applied for the first time.</summary>
    public void CheckPulseLedger()
    {
        if (board.IsDead) return;
        long extra = board.ReadHealth().TotalPulses - link.PulsesFirstApplied;
        if (extra > PulsesAppliedTwice) PulsesAppliedTwice = extra;
    }

    /// <summary>The cause of death in the report's words, or null while alive.</summary>
    public string? DeathCause => link.DeathReason switch
    {
        null => null,
        var r when r.StartsWith("injected", StringComparison.Ordinal) => r["injected: ".Length..],
        var r when r.StartsWith("shock", StringComparison.Ordinal) => "shock",
        var r when r.Contains("worn out", StringComparison.Ordinal) => "worn out",
        var r when r.Contains("sudden failure", StringComparison.Ordinal) => "weibull lifetime",
        _ => "other",
    };
}

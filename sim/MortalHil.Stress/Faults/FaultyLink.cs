using MortalHil.Core.Devices;
using MortalHil.Sim;
using MortalHil.Stress.Randomness;
using MortalHil.Stress.Scenarios;

namespace MortalHil.Stress.Faults;

/// <summary>
/// The wire between a host and one simulated board, with the faults a stress scenario injects: transient
/// link errors (the request or the response is lost: <see cref="TimeoutException"/>), a board killed on
/// purpose (from then on <see cref="DeviceFailedException"/>), and the host's own kill switch. Counts
/// everything that crosses it, so the runner can charge simulated time and check that no pulse was applied twice.
/// </summary>
public sealed class FaultyLink : IDevice
{
    private readonly SimulatedBoard _board;
    private readonly LinkFaults _faults;
    private readonly HostCrashSwitch _host;
    private SplitMixRandom _rng;
    private int _killAfterCalls = -1;
    private string? _killReason;

    /// <param name="board">The board behind the wire.</param>
    /// <param name="faults">Link error rates.</param>
    /// <param name="host">The host's kill switch (shared by all of one host's links).</param>
    /// <param name="seed">Seed of the link's error stream.</param>
    /// <param name="shockAtAge">Board age at which an injected shock kills the board (null: never).</param>
    public FaultyLink(SimulatedBoard board, LinkFaults faults, HostCrashSwitch host, ulong seed, TimeSpan? shockAtAge = null)
    {
        _board = board;
        _faults = faults;
        _host = host;
        _rng = new SplitMixRandom(seed);
        ShockAtAge = shockAtAge;
    }

    /// <summary>Board age at which an injected shock (the scenario's sudden-death hazard) kills the board.</summary>
    public TimeSpan? ShockAtAge { get; }

    /// <summary>
    /// Lets board time pass (ageing; the simulator may declare the board dead) and fires the shock when its
    /// age comes. Nothing happens to a board already dead.
    /// </summary>
    public void AdvanceBoardClock(TimeSpan dt)
    {
        if (IsDead || dt <= TimeSpan.Zero) return;
        _board.AdvanceTime(dt);
        if (ShockAtAge is { } age && _board.Now >= age) Kill("shock (sudden death hazard)");
    }

    /// <summary>The simulated board behind the link (for the runner's clock and ground truth, never for learners).</summary>
    public SimulatedBoard Board => _board;

    /// <inheritdoc/>
    public DeviceDescription Description => _board.Description;

    /// <summary>True when the board is dead, by its own physics or by an injected kill.</summary>
    public bool IsDead => _killReason is not null || _board.IsDead;

    /// <summary>Why the board is dead: "injected: ...", the simulator's reason, or null while alive.</summary>
    public string? DeathReason => _killReason ?? (_board.IsDead ? DeathReasonFromBoard() : null);

    public long Calls { get; private set; }
    public long SamplesRead { get; private set; }
    public long PulseRequests { get; private set; }
    public long LinkErrors { get; private set; }
    public long ResponsesLost { get; private set; }
    /// <summary>Pulses the board reported as newly applied (first receipts only).</summary>
    public long PulsesFirstApplied { get; private set; }
    /// <summary>Pulse requests the board recognised as repeats and did not apply again.</summary>
    public long DuplicatePulseRequests { get; private set; }

    /// <summary>Kills the board now (a sudden failure the scenario injects).</summary>
    public void Kill(string reason) => _killReason ??= reason;

    /// <summary>Kills the board on the call after <paramref name="callsFromNow"/> more calls.</summary>
    public void KillAfter(int callsFromNow, string reason)
    {
        _killAfterCalls = Math.Max(0, callsFromNow);
        _pendingKillReason = reason;
    }

    private string _pendingKillReason = "";

    /// <summary>Withdraws a delayed kill that has not fired.</summary>
    public void CancelKill() => _killAfterCalls = -1;

    /// <summary>True while a delayed kill is pending.</summary>
    public bool KillPending => _killAfterCalls >= 0;

    /// <inheritdoc/>
    public void Read(CrossbarWindow window, ReadOnlySpan<float> inputVolts, Span<float> outputAmps, AnalogActivation activation = AnalogActivation.None)
    {
        Enter();
        SamplesRead += window.RowCount > 0 ? inputVolts.Length / window.RowCount : 0;
        RequestLost();
        _board.Read(window, inputVolts, outputAmps, activation);
        ResponseLost();
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyCellPulses(in PulseRequest request, CrossbarWindow window, ReadOnlySpan<short> counts)
    {
        Enter();
        PulseRequests++;
        RequestLost();
        var receipt = _board.ApplyCellPulses(request, window, counts);
        Account(receipt);
        ResponseLost();
        return receipt;
    }

    /// <inheritdoc/>
    public PulseReceipt ApplyOuterProductPulses(in PulseRequest request, CrossbarWindow window, in OuterProductTrains trains)
    {
        Enter();
        PulseRequests++;
        RequestLost();
        var receipt = _board.ApplyOuterProductPulses(request, window, trains);
        Account(receipt);
        ResponseLost();
        return receipt;
    }

    /// <inheritdoc/>
    public void MeasureConductances(CrossbarWindow window, Span<float> siemens)
    {
        Enter();
        RequestLost();
        _board.MeasureConductances(window, siemens);
        ResponseLost();
    }

    /// <inheritdoc/>
    public DeviceHealth ReadHealth()
    {
        Enter();
        RequestLost();
        var h = _board.ReadHealth();
        ResponseLost();
        return h;
    }

    public void Dispose() => _board.Dispose();

    private void Enter()
    {
        _host.BeforeCall();
        Calls++;
        if (_killAfterCalls >= 0)
        {
            if (_killAfterCalls == 0) { _killAfterCalls = -1; Kill(_pendingKillReason); }
            else _killAfterCalls--;
        }
        if (_killReason is not null) throw new DeviceFailedException($"board {Description.SerialNumber} has failed: {_killReason}");
    }

    private void Account(in PulseReceipt receipt)
    {
        if (receipt.Duplicate) DuplicatePulseRequests++;
        else PulsesFirstApplied += receipt.PulsesApplied;
    }

    private void RequestLost()
    {
        if (_faults.ErrorRate <= 0) return;
        if (_rng.NextDouble() < _faults.ErrorRate * (1 - _faults.ResponseLostFraction))
        {
            LinkErrors++;
            throw new TimeoutException($"link to board {Description.SerialNumber}: request frame lost (injected)");
        }
    }

    private void ResponseLost()
    {
        if (_faults.ErrorRate <= 0) return;
        if (_rng.NextDouble() < _faults.ErrorRate * _faults.ResponseLostFraction)
        {
            LinkErrors++;
            ResponsesLost++;
            throw new TimeoutException($"link to board {Description.SerialNumber}: response frame lost (injected)");
        }
    }

    private string DeathReasonFromBoard()
    {
        try
        {
            _board.ReadHealth();
            return "unknown";
        }
        catch (DeviceFailedException e)
        {
            return e.Message;
        }
    }
}

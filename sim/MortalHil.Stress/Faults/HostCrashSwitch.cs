namespace MortalHil.Stress.Faults;

/// <summary>
/// The kill switch of one host: armed to trip after a number of device calls (on any of the host's
/// links), after which every call throws <see cref="HostCrashedException"/> until the host restarts.
/// </summary>
public sealed class HostCrashSwitch
{
    private int _callsLeft = -1;

    /// <summary>True from the moment the switch trips until <see cref="Restart"/>.</summary>
    public bool Tripped { get; private set; }

    /// <summary>Trips on the call after <paramref name="callsFromNow"/> more calls (0 = the very next call).</summary>
    public void Arm(int callsFromNow) => _callsLeft = Math.Max(0, callsFromNow);

    /// <summary>True while armed and not yet tripped.</summary>
    public bool Armed => _callsLeft >= 0;

    /// <summary>The host came back: calls go through again.</summary>
    public void Restart()
    {
        Tripped = false;
        _callsLeft = -1;
    }

    /// <summary>Called by a link before every device call.</summary>
    internal void BeforeCall()
    {
        if (Tripped) throw new HostCrashedException();
        if (_callsLeft < 0) return;
        if (_callsLeft == 0)
        {
            Tripped = true;
            _callsLeft = -1;
            throw new HostCrashedException();
        }
        _callsLeft--;
    }
}

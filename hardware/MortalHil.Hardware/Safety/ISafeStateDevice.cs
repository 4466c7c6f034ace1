namespace MortalHil.Hardware.Safety;

/// <summary>
/// A board that can be put in a safe state on demand: no voltage on its rows, pulse path disarmed,
/// nothing selected. Called between operations (never during one) when a command is stopped.
/// </summary>
public interface ISafeStateDevice
{
    /// <summary>Rows to 0 V, pulse amplitude to 0, fire line low, every cell deselected. Idempotent.</summary>
    void EnterSafeState();
}

namespace MortalHil.Stress.Faults;

/// <summary>
/// Thrown from a device call at the moment the runner "kills the host": it unwinds whatever the handover
/// process was doing, mid-step, as a killed process would stop. Deliberately not an <see cref="IOException"/>,
/// so code that handles link errors does not swallow it.
/// </summary>
public sealed class HostCrashedException() : Exception("the host process was killed (injected fault)");

using MortalHil.Stress.Toolkit;
using MortalHil.Stress.Ports;

namespace MortalHil.Stress.Fleet;

/// <summary>The implementations of the runner's port this build offers.</summary>
public static class StressToolkits
{
    /// <summary>The toolkit <c>mortalhil stress</c> uses.</summary>
    public static StressToolkitFactory Default { get; } = MortalityToolkit.Create;
}

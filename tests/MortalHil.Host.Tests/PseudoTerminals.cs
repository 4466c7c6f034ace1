namespace MortalHil.Host.Tests;

/// <summary>The end-to-end serial tests need Linux pseudo-terminals; a machine without them fails those tests with the reason.</summary>
internal static class PseudoTerminals
{
    public static void Require() =>
        Assert.True(OperatingSystem.IsLinux() && File.Exists("/dev/ptmx"), "these tests need Linux pseudo-terminals (/dev/ptmx)");
}

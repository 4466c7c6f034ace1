namespace MortalHil.PiEmulation.Tests;

/// <summary>
/// Where the Pi build and its emulator are: <c>$MORTALHIL_ARM64_PUBLISH</c> (a linux-arm64 self-contained publish
/// of the host), <c>$MORTALHIL_ARM64_ROOT</c> (a root holding Debian's arm64 C libraries, e.g.
/// lib/ld-linux-aarch64.so.1) and <c>qemu-aarch64-static</c> (Debian's qemu-user-static) on the PATH.
/// .ci/pi-emulated makes the first two. Anything missing fails the tests with what to do; nothing is skipped.
/// </summary>
public static class PiBuild
{
    public const string PublishVariable = "MORTALHIL_ARM64_PUBLISH";
    public const string RootVariable = "MORTALHIL_ARM64_ROOT";

    /// <summary>The published host under <c>qemu-aarch64-static -L ROOT</c>.</summary>
    public static HostProcess Emulated()
    {
        string publish = Required(PublishVariable, "a linux-arm64 self-contained publish of firmware-host/MortalHil.Host");
        string root = Required(RootVariable, "a root made from Debian's arm64 libc6, libstdc++6, libgcc-s1, zlib1g and libssl3 packages");
        string app = Path.Combine(publish, "mortalhil");
        Assert.True(File.Exists(app), $"{app} is missing: ${PublishVariable} must be a folder made by 'dotnet publish -r linux-arm64 --self-contained' (run .ci/pi-emulated)");
        Assert.True(File.Exists(Path.Combine(root, "lib", "ld-linux-aarch64.so.1")), $"{root} holds no lib/ld-linux-aarch64.so.1: ${RootVariable} must hold Debian's arm64 libc6 (run .ci/pi-emulated)");
        string qemu = FindOnPath("qemu-aarch64-static")
            ?? throw new Xunit.Sdk.XunitException("qemu-aarch64-static is not installed: apt-get install qemu-user-static (.ci/run installs it)");
        // W^X makes the JIT remap every code page twice; under user-mode emulation that costs minutes (PLATFORM.md).
        return new HostProcess("emulated arm64 mortalhil", qemu, ["-L", root, app], new Dictionary<string, string> { ["DOTNET_EnableWriteXorExecute"] = "0" });
    }

    /// <summary>The x86-64 build of the same host, copied beside these tests by the project reference.</summary>
    public static HostProcess Native() =>
        new("x86-64 mortalhil", "dotnet", [Path.Combine(AppContext.BaseDirectory, "mortalhil.dll")], new Dictionary<string, string>());

    private static string Required(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        Assert.False(string.IsNullOrEmpty(value), $"${variable} is not set: it must name {what} (run .ci/pi-emulated, which makes it and runs these tests)");
        Assert.True(Directory.Exists(value), $"${variable}={value} does not exist (run .ci/pi-emulated)");
        return value!;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}

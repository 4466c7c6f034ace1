using System.Diagnostics;

namespace MortalHil.Tests.Firmware;

/// <summary>
/// Builds the reference firmware (hardware/firmware, its Makefile) once per test run into this test
/// assembly's output folder, so <c>dotnet test</c> always exercises the current C sources. A missing
/// compiler is a failure with a clear message, never a silent pass (CI installs gcc,
/// gcc-arm-none-eabi and qemu-system-arm).
/// </summary>
internal static class FirmwareBuild
{
    private static readonly Lazy<string> HostBuild = new(() => Make("host", "host/mortalhil-fw-host", OutputDirectory), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> CortexMBuild = new(() => Make("cortex-m", "cortex-m/mortalhil-fw.elf", OutputDirectory), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Dictionary<(int, int, int), Lazy<string>> SizedHostBuilds = [];

    /// <summary>The firmware sources: hardware/firmware of the repository this test assembly was built from.</summary>
    public static string SourceDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "MortalHil.sln")))
                    return Path.Combine(dir.FullName, "hardware", "firmware");
            throw new InvalidOperationException("cannot find the repository (MortalHil.sln) above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Where builds go: beside the test assembly (never in the source tree).</summary>
    public static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "firmware-build");

    /// <summary>The host build (gcc), built on first use.</summary>
    public static string HostExecutable => HostBuild.Value;

    /// <summary>
    /// A host build whose model array is <paramref name="tiles"/> x <paramref name="rows"/> x <paramref name="columns"/>
    /// (the Makefile's MODEL_SIZE) instead of the default 2 x 16 x 8: large enough to train a small network on,
    /// layer by layer through the ADC (so without the model's analog chain: <c>train</c> maps onto a chain whenever a
    /// board describes one). Built on first use into its own folder.
    /// </summary>
    public static string HostExecutableOfSize(int tiles, int rows, int columns)
    {
        Lazy<string> build;
        lock (SizedHostBuilds)
        {
            if (!SizedHostBuilds.TryGetValue((tiles, rows, columns), out build!))
                SizedHostBuilds[(tiles, rows, columns)] = build = new(() => Make("host", "host/mortalhil-fw-host",
                    Path.Combine(OutputDirectory, $"model-{tiles}x{rows}x{columns}-no-chain"), $"MODEL_SIZE=-DMH_MODEL_TILES={tiles} -DMH_MODEL_ROWS={rows} -DMH_MODEL_COLUMNS={columns} -DMH_MODEL_NO_CHAIN"),
                    LazyThreadSafetyMode.ExecutionAndPublication);
        }
        return build.Value;
    }

    private static readonly Lazy<string> NoChainHostBuild = new(() => Make("host", "host/mortalhil-fw-host",
        Path.Combine(OutputDirectory, "no-chain"), "MODEL_SIZE=-DMH_MODEL_NO_CHAIN"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A host build whose board has no analog chain (it speaks version 2 and says so in DESCRIBE).</summary>
    public static string HostExecutableWithoutChain => NoChainHostBuild.Value;

    /// <summary>The Cortex-M3 build (arm-none-eabi-gcc), built on first use.</summary>
    public static string CortexMElf => CortexMBuild.Value;

    /// <summary>The size report of the Cortex-M build (arm-none-eabi-size output).</summary>
    public static string CortexMSizeReport => File.ReadAllText(Path.Combine(Path.GetDirectoryName(CortexMElf)!, "size.txt"));

    /// <summary>Fails with a clear message unless <paramref name="tool"/> is on PATH.</summary>
    public static void Require(string tool, string debianPackage)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, tool))) return;
        Assert.Fail($"{tool} is not installed; install the Debian package {debianPackage} (.ci/run does) to build and run the reference firmware");
    }

    private static string Make(string target, string product, string output, params string[] variables)
    {
        Require("make", "make");
        Require(target == "host" ? "gcc" : "arm-none-eabi-gcc", target == "host" ? "gcc" : "gcc-arm-none-eabi");
        var psi = new ProcessStartInfo("make", ["-s", "-C", SourceDirectory, target, $"OUT={output}", .. variables])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var make = Process.Start(psi)!;
        var stdout = make.StandardOutput.ReadToEndAsync();
        var stderr = make.StandardError.ReadToEndAsync();
        if (!make.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            make.Kill(entireProcessTree: true);
            Assert.Fail($"make {target} did not finish within 2 minutes");
        }
        if (make.ExitCode != 0) Assert.Fail($"make {target} failed ({make.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        return Path.Combine(output, product);
    }
}

using System.Diagnostics;

namespace MortalHil.Host.Tests;

/// <summary>The host packs as a .NET tool and installs from a local folder, as a user would install it.</summary>
public class ToolPackageTests
{
    private static (int Code, string Output) Dotnet(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(300_000), $"dotnet {string.Join(' ', args)} did not finish");
        return (p.ExitCode, output + err.GetAwaiter().GetResult());
    }

    [Fact]
    public void Packs_as_a_tool_that_installs_from_a_local_folder_and_runs()
    {
        var dir = Directory.CreateTempSubdirectory("mh-tool-");
        try
        {
            string packages = Path.Combine(dir.FullName, "packages"), tools = Path.Combine(dir.FullName, "tools");
            string project = SafeStopTests.RepoFile("firmware-host", "MortalHil.Host", "MortalHil.Host.csproj");
            var pack = Dotnet("pack", project, "-c", "Release", "--no-build", "-o", packages);
            Assert.True(pack.Code == 0, pack.Output);
            Assert.Single(Directory.GetFiles(packages, "mortalhil.*.nupkg"));
            // --tool-path is --global with another folder (a test must not touch the machine's tools)
            var install = Dotnet("tool", "install", "--tool-path", tools, "mortalhil", "--add-source", packages);
            Assert.True(install.Code == 0, install.Output);
            var psi = new ProcessStartInfo(Path.Combine(tools, "mortalhil")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("boards");
            using var run = Process.Start(psi)!;
            string output = run.StandardOutput.ReadToEnd();
            Assert.True(run.WaitForExit(60_000));
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("sim:", output);
        }
        finally { dir.Delete(true); }
    }
}

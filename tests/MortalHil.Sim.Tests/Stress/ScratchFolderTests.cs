using MortalHil.Stress.Reporting;

namespace MortalHil.Sim.Tests.Stress;

public sealed class ScratchFolderTests
{
    [Fact]
    public void Folders_of_dead_processes_are_swept_and_living_ones_and_strangers_are_kept()
    {
        Assert.True(Directory.Exists("/proc/self"), "the sweep judges processes by /proc; this test runs on Linux");
        var root = Directory.CreateTempSubdirectory("mortalhil-scratch-");
        try
        {
            // No process can have this number (Linux caps pids at 2^22).
            string dead = Directory.CreateDirectory(Path.Combine(root.FullName, $"mortalhil-stress-{int.MaxValue}-0a1b")).FullName;
            File.WriteAllText(Path.Combine(dead, "lineage-7.journal"), "x");
            string living = Directory.CreateDirectory(Path.Combine(root.FullName, $"mortalhil-stress-{Environment.ProcessId}-2c3d")).FullName;
            string stranger = Directory.CreateDirectory(Path.Combine(root.FullName, "mortalhil-stress-notapid-4e5f")).FullName;
            string other = Directory.CreateDirectory(Path.Combine(root.FullName, $"someone-else-{int.MaxValue}-6a7b")).FullName;

            Assert.Equal(1, ScratchFolder.SweepOrphans(root.FullName));

            Assert.False(Directory.Exists(dead));
            Assert.True(Directory.Exists(living));
            Assert.True(Directory.Exists(stranger));
            Assert.True(Directory.Exists(other));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}

namespace MortalHil.Stress.Reporting;

/// <summary>
/// Where a stress run keeps the journals it does not keep: in memory (<c>/dev/shm</c>) where the machine has it, else
/// under the output folder. The journals are the same SQLite files either way; in memory their commits do not wait for
/// a disk shared with every other job, and nothing is left on disk to delete. A run's host crashes are simulated in the
/// process, so no journal has to outlive it.
/// </summary>
public static class ScratchFolder
{
    private const string SharedMemory = "/dev/shm";

    /// <summary>A fresh folder for one run's scratch journals (the caller deletes it).</summary>
    public static string For(string outFolder)
    {
        if (Directory.Exists(SharedMemory))
        {
            string folder = Path.Combine(SharedMemory, $"mortalhil-stress-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(folder);
                return folder;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not writable here (a locked-down container): the output folder it is.
            }
        }
        return Path.Combine(outFolder, "journals");
    }
}

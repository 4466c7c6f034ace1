namespace MortalHil.Stress.Reporting;

/// <summary>
/// Where a stress run keeps the journals it does not keep: in memory (<c>/dev/shm</c>) where the machine has it, else
/// under the output folder. The journals are the same SQLite files either way; in memory their commits do not wait for
/// a disk shared with every other job, and nothing is left on disk to delete. A run's host crashes are simulated in the
/// process, so no journal has to outlive it. A process killed before it could delete its folder leaves the folder in
/// memory until a reboot; the next run sweeps the folders of processes that no longer exist.
/// </summary>
public static class ScratchFolder
{
    private const string SharedMemory = "/dev/shm";
    private const string Prefix = "mortalhil-stress-";

    /// <summary>A fresh folder for one run's scratch journals (the caller deletes it).</summary>
    public static string For(string outFolder)
    {
        if (Directory.Exists(SharedMemory))
        {
            SweepOrphans(SharedMemory);
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

    /// <summary>
    /// Deletes the scratch folders under <paramref name="root"/> whose process (the number in the folder's name) is
    /// gone, judged by <c>/proc</c>; where there is no <c>/proc</c> nothing is swept. A living process's folder is
    /// never touched, even if its number was reused, and a folder another run deletes at the same time is skipped.
    /// Returns how many were deleted.
    /// </summary>
    public static int SweepOrphans(string root)
    {
        if (!Directory.Exists("/proc/self")) return 0;
        int swept = 0;
        foreach (var folder in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            string rest = Path.GetFileName(folder)[Prefix.Length..];
            int dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)) continue;
            if (Directory.Exists($"/proc/{pid}")) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                swept++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Being deleted by another run's sweep, or not ours to delete.
            }
        }
        return swept;
    }
}

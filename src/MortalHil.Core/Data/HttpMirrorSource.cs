namespace MortalHil.Core.Data;

/// <summary>
/// A web mirror that serves each file gzipped as <c>BASE/NAME.gz</c> (the layout of the original MNIST page
/// and its public mirrors). Connection attempts time out quickly so an unreachable mirror costs seconds.
/// </summary>
public sealed class HttpMirrorSource(string baseUrl, TimeSpan connectTimeout, TimeSpan fileTimeout) : IDatasetSource
{
    /// <summary>The public MNIST mirrors, tried in this order.</summary>
    public static IReadOnlyList<string> MnistMirrors { get; } =
    [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ];

    public string Description => baseUrl;

    public async Task FetchAsync(DatasetFiles files, string stagingDirectory, TextWriter log, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { ConnectTimeout = connectTimeout };
        using var http = new HttpClient(handler) { Timeout = fileTimeout };
        foreach (var name in files.Md5ByFileName.Keys)
        {
            var url = new Uri(new Uri(baseUrl), name + ".gz");
            log.WriteLine($"  GET {url}");
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            var target = Path.Combine(stagingDirectory, name + ".gz");
            await using var file = File.Create(target);
            await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
        }
    }
}
